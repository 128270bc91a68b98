package pagetest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/acme/storeimport/orgsim"
)

// PlatformToken is the token GatedPlatform's simulator takes, for organization org_1.
const PlatformToken = "page-token"

// GatedPlatform starts the simulator, with organization org_1 (a limit of 100 shops), behind
// a gate on loopback: each request says it arrived, then waits until release opens the gate, as a
// slow platform keeps a check waiting. It returns the GraphQL endpoint.
func GatedPlatform(t testing.TB) (endpoint string, arrived <-chan struct{}, release func()) {
	sim := orgsim.New(orgsim.Config{
		Organizations: []orgsim.Org{{ID: "org_1", Name: "Acme", ShopLimit: 100}},
		Tokens:        []orgsim.Token{{Value: PlatformToken, Orgs: []string{"org_1"}}},
	})
	came, open := make(chan struct{}, 1), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case came <- struct{}{}:
		default:
		}
		<-open
		sim.Handler().ServeHTTP(w, r)
	}))
	var once sync.Once
	release = func() { once.Do(func() { close(open) }) }
	t.Cleanup(srv.Close)
	t.Cleanup(release) // before the server closes: cleanups run last first
	return srv.URL + "/graphql", came, release
}
