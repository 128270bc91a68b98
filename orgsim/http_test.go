package orgsim

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestUnauthenticatedRequestsAre401AndNotProcessed(t *testing.T) {
	sim, url := startSim(t, baseConfig(newFakeClock()))
	for name, token := range map[string]string{"missing": "", "unknown": "nope"} {
		r := do(t, url, createReq(token, "org_a", "Shop"))
		if r.status != http.StatusUnauthorized {
			t.Errorf("%s token: status %d, want 401", name, r.status)
		}
		if got := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
			t.Errorf("%s token: WWW-Authenticate %q", name, got)
		}
	}
	// Right token, wrong scheme.
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"query":"{ organization(id: \"org_a\") { id } }"}`))
	req.Header.Set("Authorization", "Basic "+tokenA)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("Basic scheme: status %d, want 401", resp.StatusCode)
	}
	if shops := sim.Shops("org_a", true); len(shops) != 0 {
		t.Errorf("unauthenticated createShop made shops: %+v", shops)
	}
	for _, e := range sim.Log() {
		if e.Status != http.StatusUnauthorized || e.Outcome != "401" || e.Token != "" {
			t.Errorf("log entry %+v, want an anonymous 401", e)
		}
	}
}

func TestMalformedRequestsAreRefused(t *testing.T) {
	_, url := startSim(t, baseConfig(newFakeClock()))
	post := func(method, contentType, body string) int {
		t.Helper()
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tokenA)
		req.Header.Set("Content-Type", contentType)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	cases := []struct {
		name, method, contentType, body string
		want                            int
	}{
		{"GET", http.MethodGet, "application/json", "", http.StatusMethodNotAllowed},
		{"form", http.MethodPost, "application/x-www-form-urlencoded", "query=x", http.StatusUnsupportedMediaType},
		{"not JSON", http.MethodPost, "application/json", "{", http.StatusBadRequest},
		{"no query", http.MethodPost, "application/json", `{"variables":{}}`, http.StatusBadRequest},
		{"charset is fine", http.MethodPost, "application/json; charset=utf-8", `{"query":"{ __typename }"}`, http.StatusOK},
	}
	for _, c := range cases {
		if got := post(c.method, c.contentType, c.body); got != c.want {
			t.Errorf("%s: status %d, want %d", c.name, got, c.want)
		}
	}
}

func TestInvalidGraphQLIsAnsweredWithErrors(t *testing.T) {
	_, url := startSim(t, baseConfig(newFakeClock()))
	r := do(t, url, request{token: tokenA, query: `{ organization(id: "org_a") { nosuchfield } }`})
	if r.status != http.StatusOK || r.code() != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("got %d %s, want 200 with a validation error", r.status, r.body)
	}
}

func TestHandlerServesGraphQLPathAndRoot(t *testing.T) {
	sim := New(baseConfig(newFakeClock()))
	h := sim.Handler()
	for path, want := range map[string]int{"/graphql": http.StatusOK, "/": http.StatusOK, "/other": http.StatusNotFound} {
		req, _ := http.NewRequest(http.MethodPost, path, strings.NewReader(`{"query":"{ __typename }"}`))
		req.Header.Set("Authorization", "Bearer "+tokenA)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("POST %s: %d, want %d", path, rec.Code, want)
		}
	}
}
