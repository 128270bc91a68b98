package sharedlimit_test

import (
	"context"
	"errors"
	"testing"

	"github.com/acme/storeimport/orgclient"
	"github.com/acme/storeimport/orgsim"
)

// A shared limit that fails (its table gone) sends nothing, and says so: the createShop was not
// sent, which proves no shop was made, rather than "the platform did not answer", which would
// leave the row in doubt.
func TestAFailedLimitIsNotSentNotUnanswered(t *testing.T) {
	db := openDB(t)
	if _, err := db.Pool().Exec(context.Background(), `DROP TABLE rate_buckets`); err != nil {
		t.Fatal(err)
	}
	sim, endpoint := platform(t, orgsim.Faults{})
	client := sharedClient(t, db, endpoint)
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
	sim, endpoint := platform(t, orgsim.Faults{Rules: []orgsim.Rule{{Op: orgsim.OpCreateShop, Pattern: ".*", Action: orgsim.Action503}}})
	client := sharedClient(t, db, endpoint)
	_, err = client.CreateShop(context.Background(), "key-1", "org_1", "渋谷店", "東京都渋谷区1-1")
	if !errors.Is(err, orgclient.ErrUnavailable) || !orgclient.OutcomeUnknown(err) {
		t.Errorf("createShop answered 503, then its retries not sent: %v; want ErrUnavailable, in doubt", err)
	}
	if n := len(sim.Log()); n != 1 {
		t.Errorf("the platform got %d requests, want the first try only", n)
	}
}
