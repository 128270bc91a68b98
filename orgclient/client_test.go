package orgclient_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/acme/storeimport/orgclient"
	"github.com/acme/storeimport/orgsim"
)

// token is distinctive so that the tests can search every error and log line for it.
const token = "tok-SECRET-4f9a1c"

type platform struct {
	sim    *orgsim.Server
	client *orgclient.Client
	logs   *bytes.Buffer
}

// start runs the simulator in-process and a client for it.
func start(t *testing.T, cfg orgsim.Config, tweak func(*orgclient.Config)) *platform {
	t.Helper()
	if cfg.Organizations == nil {
		cfg.Organizations = []orgsim.Org{{ID: "org_1", Name: "Acme", ShopLimit: 100}, {ID: "org_2", Name: "Other", ShopLimit: 100}}
	}
	if cfg.Tokens == nil {
		cfg.Tokens = []orgsim.Token{{Value: token, Orgs: []string{"org_1"}}}
	}
	sim := orgsim.New(cfg)
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	client, logs := connect(t, srv.URL+"/graphql", tweak)
	return &platform{sim: sim, client: client, logs: logs}
}

// connect builds a client for endpoint with fast retries, and the buffer its debug logs go to.
func connect(t *testing.T, endpoint string, tweak func(*orgclient.Config)) (*orgclient.Client, *bytes.Buffer) {
	t.Helper()
	logs := &bytes.Buffer{}
	clientCfg := orgclient.Config{
		Endpoint:    endpoint,
		Token:       token,
		Rate:        1000,
		Burst:       10,
		BaseBackoff: time.Millisecond,
		MaxBackoff:  5 * time.Millisecond,
		Logger:      slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if tweak != nil {
		tweak(&clientCfg)
	}
	client, err := orgclient.New(clientCfg)
	if err != nil {
		t.Fatal(err)
	}
	return client, logs
}

// mustNotLeak fails when the token shows up in an error or in the client's logs.
func (p *platform) mustNotLeak(t *testing.T, errs ...error) {
	t.Helper()
	for _, err := range errs {
		if err != nil && strings.Contains(err.Error(), token) {
			t.Errorf("error holds the token: %v", err)
		}
	}
	if strings.Contains(p.logs.String(), token) {
		t.Error("the logs hold the token")
	}
}

func TestCreateAssignDelete(t *testing.T) {
	p := start(t, orgsim.Config{}, nil)
	ctx := context.Background()
	shop, err := p.client.CreateShop(ctx, "k1", "org_1", "渋谷店", "東京都渋谷区")
	if err != nil {
		t.Fatal(err)
	}
	if shop.ID == "" || shop.Name != "渋谷店" || shop.HasService(orgclient.Reservation) {
		t.Fatalf("created shop = %+v", shop)
	}
	shop, err = p.client.AssignReservation(ctx, "k2", "org_1", shop.ID)
	if err != nil || !shop.HasService(orgclient.Reservation) {
		t.Fatalf("AssignReservation = %+v, %v", shop, err)
	}
	if err := p.client.DeleteShop(ctx, "k3", shop.ID); err != nil {
		t.Fatal(err)
	}
	err = p.client.DeleteShop(ctx, "k4", shop.ID)
	if !errors.Is(err, orgclient.ErrNotFound) {
		t.Errorf("deleting a deleted shop: %v, want ErrNotFound", err)
	}
	if got, err := p.client.Shop(ctx, shop.ID); got != nil || err != nil {
		t.Errorf("Shop of a deleted shop = %+v, %v; want nil, nil", got, err)
	}
	for _, entry := range p.sim.Log() {
		if entry.OperationType == "mutation" && entry.IdempotencyKey == "" {
			t.Errorf("mutation %s sent without an Idempotency-Key", entry.Operation)
		}
	}
}

func TestTypedErrors(t *testing.T) {
	p := start(t, orgsim.Config{
		Organizations: []orgsim.Org{{ID: "org_1", Name: "Acme", ShopLimit: 1}, {ID: "org_2", Name: "Other"}},
		Faults:        orgsim.Faults{Rules: []orgsim.Rule{{Op: orgsim.OpCreateShop, Pattern: "^BROKEN", Action: orgsim.CodeInternal}}},
	}, nil)
	ctx := context.Background()
	if _, err := p.client.CreateShop(ctx, "ok", "org_1", "first", "here"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		call func() error
		want error
	}{
		{"name too long", func() error {
			_, err := p.client.CreateShop(ctx, "a", "org_1", strings.Repeat("長", 101), "here")
			return err
		}, orgclient.ErrInvalidInput},
		{"shop limit", func() error {
			_, err := p.client.CreateShop(ctx, "b", "org_1", "second", "here")
			return err
		}, orgclient.ErrShopLimitExceeded},
		{"another organization", func() error {
			_, err := p.client.CreateShop(ctx, "c", "org_2", "theirs", "here")
			return err
		}, orgclient.ErrPermissionDenied},
		{"internal", func() error {
			_, err := p.client.CreateShop(ctx, "d", "org_1", "BROKEN shop", "here")
			return err
		}, orgclient.ErrInternal},
		{"unknown shop", func() error { return p.client.DeleteShop(ctx, "e", "shop_nope") }, orgclient.ErrNotFound},
	}
	var errs []error
	for _, c := range cases {
		err := c.call()
		errs = append(errs, err)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}
	if !orgclient.OutcomeUnknown(errs[3]) || orgclient.OutcomeUnknown(errs[0]) {
		t.Error("INTERNAL must leave the outcome unknown, INVALID_INPUT must not")
	}
	p.mustNotLeak(t, errs...)
}

func TestUnknownOrganizationIsNil(t *testing.T) {
	p := start(t, orgsim.Config{Tokens: []orgsim.Token{{Value: token, Orgs: []string{"org_1", "org_ghost"}}}}, nil)
	org, err := p.client.Organization(context.Background(), "org_ghost")
	if org != nil || err != nil {
		t.Errorf("Organization(org_ghost) = %+v, %v; want nil, nil", org, err)
	}
	org, err = p.client.Organization(context.Background(), "org_1")
	if err != nil || org.Name != "Acme" || org.ShopLimit != 100 {
		t.Errorf("Organization(org_1) = %+v, %v", org, err)
	}
}

func TestRefusedTokenIsUnauthenticatedAndNotRetried(t *testing.T) {
	p := start(t, orgsim.Config{Tokens: []orgsim.Token{{Value: "another", Orgs: []string{"org_1"}}}}, nil)
	_, err := p.client.Organization(context.Background(), "org_1")
	if !errors.Is(err, orgclient.ErrUnauthenticated) {
		t.Fatalf("got %v, want ErrUnauthenticated", err)
	}
	if n := len(p.sim.Log()); n != 1 {
		t.Errorf("a 401 was sent %d times; it must not be retried", n)
	}
	p.mustNotLeak(t, err)
}

func TestRetriesOn503KeepTheKey(t *testing.T) {
	p := start(t, orgsim.Config{Seed: 7, Faults: orgsim.Faults{Ops: map[string]orgsim.OpFaults{
		orgsim.OpCreateShop: {Fail503: 0.5},
	}}}, func(c *orgclient.Config) { c.MaxAttempts = 20 })
	const n = 10
	for i := range n {
		if _, err := p.client.CreateShop(context.Background(), fmt.Sprintf("key-%d", i), "org_1", fmt.Sprintf("shop %d", i), "here"); err != nil {
			t.Fatalf("shop %d: %v", i, err)
		}
	}
	injected := 0
	for _, e := range p.sim.Log() {
		if e.Outcome == orgsim.Outcome503Injected {
			injected++
		}
	}
	if injected == 0 {
		t.Fatal("no 503 was injected; the test proves nothing")
	}
	if got := len(p.sim.Shops("org_1", true)); got != n {
		t.Errorf("%d shops after %d creates with %d retried 503s, want %d", got, n, injected, n)
	}
	if retries := p.client.Stats().Retries.Load(); retries != int64(injected) {
		t.Errorf("client counted %d retries, simulator injected %d 503s", retries, injected)
	}
}

func TestRetryAfterCommit504ReplaysInsteadOfDuplicating(t *testing.T) {
	p := start(t, orgsim.Config{Seed: 3, Faults: orgsim.Faults{Ops: map[string]orgsim.OpFaults{
		orgsim.OpCreateShop: {Fail504: 0.5},
	}}}, func(c *orgclient.Config) { c.MaxAttempts = 20 })
	const n = 10
	for i := range n {
		if _, err := p.client.CreateShop(context.Background(), fmt.Sprintf("key-%d", i), "org_1", "same name", "here"); err != nil {
			t.Fatalf("shop %d: %v", i, err)
		}
	}
	keys := map[string]int{}
	replayed := 0
	for _, e := range p.sim.Log() {
		keys[e.IdempotencyKey]++
		if e.Replayed {
			replayed++
		}
	}
	if replayed == 0 {
		t.Fatal("no response was replayed; the test proves nothing")
	}
	if len(keys) != n {
		t.Errorf("%d distinct idempotency keys for %d shops: retries must reuse the key", len(keys), n)
	}
	if got := len(p.sim.Shops("org_1", true)); got != n {
		t.Errorf("%d shops after %d creates with %d replays, want exactly %d", got, n, replayed, n)
	}
}

func TestGivingUpIsUnavailableAndBounded(t *testing.T) {
	p := start(t, orgsim.Config{Faults: orgsim.Faults{Rules: []orgsim.Rule{
		{Op: orgsim.OpDeleteShop, Pattern: ".*", Action: orgsim.Action503},
	}}}, func(c *orgclient.Config) { c.MaxAttempts = 4 })
	shop, err := p.client.CreateShop(context.Background(), "k", "org_1", "doomed", "here")
	if err != nil {
		t.Fatal(err)
	}
	err = p.client.DeleteShop(context.Background(), "del", shop.ID)
	if !errors.Is(err, orgclient.ErrUnavailable) || !orgclient.OutcomeUnknown(err) {
		t.Fatalf("got %v, want ErrUnavailable", err)
	}
	var last *orgclient.Error
	if !errors.As(err, &last) || last.Status != 503 {
		t.Errorf("got %v, want it to name the last answer, HTTP 503", err)
	}
	attempts := 0
	for _, e := range p.sim.Log() {
		if e.Operation == orgsim.OpDeleteShop {
			attempts++
		}
	}
	if attempts != 4 {
		t.Errorf("deleteShop was sent %d times, want MaxAttempts = 4", attempts)
	}
	p.mustNotLeak(t, err)
}

func TestHonoursRetryAfter(t *testing.T) {
	// The simulator allows 1 request per second; the client is configured far faster, so the
	// platform's 429 and its Retry-After are what must slow it down.
	p := start(t, orgsim.Config{RateLimit: orgsim.RateLimit{RPS: 1, Burst: 1}}, nil)
	for i := range 3 {
		if _, err := p.client.Shop(context.Background(), fmt.Sprintf("shop_%d", i)); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	log := p.sim.Log()
	limited := 0
	for i, e := range log {
		if e.Status != 429 {
			continue
		}
		limited++
		if i+1 < len(log) {
			if gap := log[i+1].Time.Sub(e.Time); gap < 990*time.Millisecond {
				t.Errorf("retried %v after a 429 with Retry-After: 1", gap)
			}
		}
	}
	if limited == 0 {
		t.Fatal("no 429 was seen; the test proves nothing")
	}
	if got := p.client.Stats().RateLimited.Load(); got != int64(limited) {
		t.Errorf("client counted %d 429s, simulator sent %d", got, limited)
	}
}

func TestRateLimitHoldsInEveryWindow(t *testing.T) {
	const rate, burst = 20, 2
	p := start(t, orgsim.Config{}, func(c *orgclient.Config) { c.Rate, c.Burst = rate, burst })
	for i := range 45 {
		if _, err := p.client.Shop(context.Background(), fmt.Sprintf("shop_%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if busiest := orgsim.BusiestSecond(p.sim.Log()); busiest > rate+burst {
		t.Fatalf("%d requests within one second; the limit is %d + burst %d", busiest, rate, burst)
	}
}

func TestShopsFollowsEveryPage(t *testing.T) {
	p := start(t, orgsim.Config{Organizations: []orgsim.Org{{ID: "org_1", Name: "Acme", ShopLimit: 1200}}}, nil)
	for i := range 1100 {
		if _, err := p.client.CreateShop(context.Background(), fmt.Sprint(i), "org_1", fmt.Sprint("s", i), "l"); err != nil {
			t.Fatal(err)
		}
	}
	shops, err := p.client.Shops(context.Background(), "org_1")
	if err != nil {
		t.Fatal(err)
	}
	if len(shops) != 1100 || shops[0].Name != "s0" || shops[1099].Name != "s1099" {
		t.Errorf("Shops returned %d shops, first %q", len(shops), shops[0].Name)
	}
}

func TestPlainHTTPNeedsLoopbackOrInsecure(t *testing.T) {
	cases := []struct {
		endpoint string
		insecure bool
		ok       bool
	}{
		{"https://platform.example.com/graphql", false, true},
		{"http://127.0.0.1:8080/graphql", false, true},
		{"http://localhost:8080/graphql", false, true},
		{"http://[::1]:8080/graphql", false, true},
		{"http://platform.example.com/graphql", false, false},
		{"http://platform.example.com/graphql", true, true},
		{"ftp://platform.example.com/", true, false},
		{"platform.example.com", false, false},
	}
	for _, c := range cases {
		_, err := orgclient.ParseEndpoint(c.endpoint, c.insecure)
		if (err == nil) != c.ok {
			t.Errorf("ParseEndpoint(%q, insecure=%v) = %v, want ok=%v", c.endpoint, c.insecure, err, c.ok)
		}
	}
}

// elsewhere is a second loopback server that counts the requests it gets and those with a token.
type elsewhere struct {
	srv                   *httptest.Server
	requests, withBearers atomic.Int64
}

func startElsewhere(t *testing.T) *elsewhere {
	t.Helper()
	e := &elsewhere{}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.requests.Add(1)
		if r.Header.Get("Authorization") != "" {
			e.withBearers.Add(1)
		}
	}))
	t.Cleanup(e.srv.Close)
	return e
}

func TestRedirectIsNotFollowed(t *testing.T) {
	target := startElsewhere(t)
	for _, status := range []int{307, 308, 301, 302, 303} {
		moved := httptest.NewServer(http.RedirectHandler(target.srv.URL+"/graphql", status))
		client, logs := connect(t, moved.URL+"/graphql", nil)
		_, err := client.Organization(context.Background(), "org_1")
		moved.Close()

		if got := target.requests.Load(); got != 0 {
			t.Fatalf("HTTP %d: the redirect was followed: its target got %d requests, %d with the token", status, got, target.withBearers.Load())
		}
		var platformErr *orgclient.Error
		if !errors.As(err, &platformErr) || !errors.Is(err, orgclient.ErrRedirected) || platformErr.Status != status {
			t.Fatalf("HTTP %d: got %v, want ErrRedirected with the status", status, err)
		}
		if !strings.Contains(err.Error(), target.srv.URL+"/graphql") || !strings.Contains(err.Error(), "--endpoint") {
			t.Errorf("HTTP %d: %q should name the redirect's target and say to fix --endpoint", status, err)
		}
		if orgclient.OutcomeUnknown(err) {
			t.Errorf("HTTP %d: a redirect is not processed, so its outcome is known: %v", status, err)
		}
		(&platform{logs: logs}).mustNotLeak(t, err)
	}
}

// A server may echo what it was sent in the Location; the error shows the target without it.
func TestRedirectErrorHoldsNoToken(t *testing.T) {
	target := startElsewhere(t)
	location := target.srv.URL + "/" + token + "/graphql?token=" + token
	moved := httptest.NewServer(http.RedirectHandler(location, http.StatusTemporaryRedirect))
	t.Cleanup(moved.Close)
	client, logs := connect(t, moved.URL+"/graphql", nil)
	_, err := client.Organization(context.Background(), "org_1")
	if !errors.Is(err, orgclient.ErrRedirected) || !strings.Contains(err.Error(), target.srv.URL+"/") {
		t.Fatalf("got %v, want ErrRedirected naming %s", err, target.srv.URL)
	}
	(&platform{logs: logs}).mustNotLeak(t, err)
}
