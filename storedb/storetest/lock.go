package storetest

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/acme/storeimport/importer"
)

func secondLockIsRefused(t *testing.T, target Target) {
	ctx := context.Background()
	first, err := target.DB.Lock(ctx, "org_1", "storeimport import a.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer first.Release()
	// From another connection, as a second process would try.
	other := target.Reopen(t)
	_, err = other.Lock(ctx, "org_1", "storeimport import b.csv")
	host, _ := os.Hostname()
	if err == nil || !strings.Contains(err.Error(), "a.csv") || !strings.Contains(err.Error(), host) {
		t.Fatalf("second lock: %v, want a refusal naming the holder's command and host", err)
	}
	if lock, err := other.Lock(ctx, "org_2", "storeimport import c.csv"); err != nil {
		t.Errorf("another organization's lock: %v", err)
	} else {
		lock.Release()
	}
	if err := first.Check(ctx); err != nil {
		t.Errorf("the holder's lock after a refused second run: %v", err)
	}
}

func releasedLockIsTakenAgain(t *testing.T, target Target) {
	ctx := context.Background()
	first, err := target.DB.Lock(ctx, "org_1", "storeimport import")
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	again, err := target.Reopen(t).Lock(ctx, "org_1", "storeimport import")
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	again.Release()
}

// A run that lost its lock can neither begin an attempt nor record or complete one, whatever it
// expects of the entry, and its check of the lock says so.
func journalWritesOfALostLockAreRefused(t *testing.T, target Target) {
	ctx := context.Background()
	saveOrg(t, target.DB)
	lock, err := target.DB.Lock(ctx, "org_1", "storeimport import")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	fenced := lock.Fenced()
	e := begin(t, fenced, store("a-01"), "shop_1")

	target.StealLock(t, "org_1")

	if err := lock.Check(ctx); !errors.Is(err, importer.ErrSuperseded) {
		t.Errorf("check: %v, want ErrSuperseded", err)
	}
	next := &importer.Entry{RunID: e.RunID, OrganizationID: "org_1", Line: 3, Key: "k-b", State: "creating", Store: store("b-01")}
	if err := fenced.Begin(ctx, next, now); !errors.Is(err, importer.ErrSuperseded) {
		t.Errorf("begin: %v, want ErrSuperseded", err)
	}
	compensating := *e
	compensating.State = "compensating"
	if err := fenced.Record(ctx, &compensating, "assigned", now); !errors.Is(err, importer.ErrSuperseded) {
		t.Errorf("record: %v, want ErrSuperseded", err)
	}
	if err := fenced.Complete(ctx, e, shopFor(e.Store, "shop_1"), now); !errors.Is(err, importer.ErrSuperseded) {
		t.Errorf("complete: %v, want ErrSuperseded", err)
	}
	if state := stateOf(t, target.DB, e.ID); state != "assigned" {
		t.Errorf("journal says %s, want assigned untouched", state)
	}
	if s, _ := target.DB.LookupStore(ctx, "a-01"); s != nil {
		t.Errorf("a run that lost its lock stored %+v", s)
	}
}
