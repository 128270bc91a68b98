package supportpage

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"

	"github.com/acme/storeimport/internal/pagetest"
)

func TestOnlyThePagesOwnHostIsAnswered(t *testing.T) {
	p := startPage(t, Config{})
	_, port, _ := net.SplitHostPort(must(url.Parse(p.url)).Host)
	for host, want := range map[string]int{
		"127.0.0.1:" + port:    http.StatusOK,
		"localhost:" + port:    http.StatusOK,
		"LocalHost.:" + port:   http.StatusOK,
		"127.0.0.2:" + port:    http.StatusOK,
		"[::1]:" + port:        http.StatusOK,
		"evil.example:" + port: http.StatusMisdirectedRequest,
		"evil.example":         http.StatusMisdirectedRequest,
		"localhost":            http.StatusMisdirectedRequest,
		"127.0.0.1:1":          http.StatusMisdirectedRequest,
		"10.0.0.1:" + port:     http.StatusMisdirectedRequest,
	} {
		if resp := pagetest.GetAsHost(t, p.url+"/", host, nil); resp.StatusCode != want {
			t.Errorf("Host %s: %s, want %d", host, resp.Status, want)
		}
	}
}

func TestAPageOnOtherInterfacesAnswersToItsNames(t *testing.T) {
	name, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	lan := &net.TCPAddr{IP: net.ParseIP("192.0.2.7"), Port: 8080}
	for addr, hosts := range map[string]map[string]bool{
		"0.0.0.0:8080": {name + ":8080": true, "192.0.2.7:8080": true, "localhost:8080": true,
			"evil.example:8080": false, name + ":8081": false, "192.0.2.8:8080": false},
		"stores.example.internal:8080": {"stores.example.internal:8080": true, "STORES.example.internal.:8080": true,
			"localhost:8080": true, "evil.example:8080": false, name + ":8080": false},
		"": {"localhost:8080": true, "192.0.2.7:8080": true, name + ":8080": false},
	} {
		check := newHostCheck(addr, nil)
		for host, want := range hosts {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Host = host
			r = r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, lan))
			if got := check.refusal(r) == ""; got != want {
				t.Errorf("listening on %q, Host %s: allowed %v, want %v", addr, host, got, want)
			}
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
