package sharedlimit_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/acme/storeimport/internal/pgtest"
	"github.com/acme/storeimport/orgclient"
	"github.com/acme/storeimport/orgsim"
	"github.com/acme/storeimport/sharedlimit"
	"github.com/acme/storeimport/storedb/postgres"
)

const token = "tok-shared-limit"

// platform is the simulator, in this process, misbehaving as faults say, and its endpoint.
func platform(t *testing.T, faults orgsim.Faults) (*orgsim.Server, string) {
	t.Helper()
	sim := orgsim.New(orgsim.Config{
		Organizations: []orgsim.Org{{ID: "org_1", Name: "Acme", ShopLimit: 10}},
		Tokens:        []orgsim.Token{{Value: token, Orgs: []string{"org_1"}}},
		Faults:        faults,
	})
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	return sim, srv.URL + "/graphql"
}

// sharedClient is a platform client, as a worker makes one, whose every try waits on the bucket
// shared in db.
func sharedClient(t *testing.T, db *postgres.DB, endpoint string) *orgclient.Client {
	t.Helper()
	client, err := orgclient.New(orgclient.Config{Endpoint: endpoint, Token: token, Rate: 100, Burst: 10,
		MaxAttempts: 3, BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
		NewLimiter: func(perSecond float64, burst int) orgclient.Limiter {
			return sharedlimit.New(db.Pool(), "token-a", perSecond, burst)
		}})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

func openDB(t *testing.T) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), pgtest.URL(t), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// takeTurns takes n turns of bucket one after the other and returns when each was granted; it
// stops at a failed turn, reporting it with t.Error so that it may run on a goroutine of its own.
func takeTurns(t *testing.T, bucket *sharedlimit.Bucket, n int) []time.Time {
	t.Helper()
	var grants []time.Time
	for range n {
		if err := bucket.Wait(context.Background()); err != nil {
			t.Error(err)
			return grants
		}
		grants = append(grants, time.Now())
	}
	return grants
}
