package storetest

import (
	"context"
	"os"
	"testing"
)

func statusSaysWhatIsHeldAndUnfinished(t *testing.T, target Target) {
	ctx := context.Background()
	saveOrg(t, target.DB)
	begin(t, target.DB, store("open-01"), "shop_1")
	lock, err := target.DB.Lock(ctx, "org_1", "storeimport import stores.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()

	status, err := target.DB.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	if status.Version == 0 || status.Location == "" || status.Kind == "" {
		t.Errorf("status %+v: want the kind, where it is and the migration applied", status)
	}
	if len(status.Locks) != 1 || status.Locks[0].OrganizationID != "org_1" || status.Locks[0].PID != os.Getpid() ||
		status.Locks[0].Host != host || status.Locks[0].Command != "storeimport import stores.csv" {
		t.Errorf("locks %+v: want org_1's, held by this process", status.Locks)
	}
	if len(status.Unfinished) != 1 || status.Unfinished["org_1"] != 1 {
		t.Errorf("unfinished %v: want org_1's one attempt", status.Unfinished)
	}
}
