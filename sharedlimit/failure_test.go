package sharedlimit_test

import (
	"context"
	"errors"
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

// sharedClient is a platform client whose every try waits on the bucket shared in db, and the
// simulator it talks to.
func sharedClient(t *testing.T, db *postgres.DB, faults orgsim.Faults) (*orgclient.Client, *orgsim.Server) {
	t.Helper()
	sim := orgsim.New(orgsim.Config{
		Organizations: []orgsim.Org{{ID: "org_1", Name: "Acme", ShopLimit: 10}},
		Tokens:        []orgsim.Token{{Value: token, Orgs: []string{"org_1"}}},
		Faults:        faults,
	})
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	client, err := orgclient.New(orgclient.Config{Endpoint: srv.URL + "/graphql", Token: token, Rate: 1000, Burst: 10,
		MaxAttempts: 3, BaseBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
		NewLimiter: func(perSecond float64, burst int) orgclient.Limiter {
			return sharedlimit.New(db.Pool(), "token-a", perSecond, burst)
		}})
	if err != nil {
		t.Fatal(err)
	}
	return client, sim
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

// A shared limit that fails (its table gone) sends nothing, and says so: the createShop was not
// sent, which proves no shop was made, rather than "the platform did not answer", which would
// leave the row in doubt.
func TestAFailedLimitIsNotSentNotUnanswered(t *testing.T) {
	db := openDB(t)
	if _, err := db.Pool().Exec(context.Background(), `DROP TABLE rate_buckets`); err != nil {
		t.Fatal(err)
	}
	client, sim := sharedClient(t, db, orgsim.Faults{})
	_, err := client.CreateShop(context.Background(), "key-1", "org_1", "渋谷店", "東京都渋谷区1-1")
	if !errors.Is(err, orgclient.ErrNotSent) || orgclient.OutcomeUnknown(err) {
		t.Errorf("createShop with the shared limit failing: %v; want ErrNotSent, an outcome known", err)
	}
	if n := len(sim.Log()); n != 0 {
		t.Errorf("the platform got %d requests, want none", n)
	}
}

// A try that got no answer leaves the call in doubt even when the retries after it could not be
// sent: the limit failing later (a trigger refusing the bucket's updates) proves nothing of it.
func TestAFailedLimitAfterAnUnansweredTryStaysInDoubt(t *testing.T) {
	db := openDB(t)
	_, err := db.Pool().Exec(context.Background(), `
		CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'bucket refused'; END $$;
		CREATE TRIGGER refuse BEFORE UPDATE ON rate_buckets FOR EACH ROW EXECUTE FUNCTION refuse()`)
	if err != nil {
		t.Fatal(err)
	}
	client, sim := sharedClient(t, db, orgsim.Faults{Rules: []orgsim.Rule{{Op: orgsim.OpCreateShop, Pattern: ".*", Action: orgsim.Action503}}})
	_, err = client.CreateShop(context.Background(), "key-1", "org_1", "渋谷店", "東京都渋谷区1-1")
	if !errors.Is(err, orgclient.ErrUnavailable) || !orgclient.OutcomeUnknown(err) {
		t.Errorf("createShop answered 503, then its retries not sent: %v; want ErrUnavailable, in doubt", err)
	}
	if n := len(sim.Log()); n != 1 {
		t.Errorf("the platform got %d requests, want the first try only", n)
	}
}
