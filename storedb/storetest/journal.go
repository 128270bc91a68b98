package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgclient"
)

var acme = &orgclient.Organization{ID: "org_1", Name: "Acme", ShopLimit: 10}

func saveOrg(t *testing.T, db importer.Stores) {
	t.Helper()
	if err := db.SaveOrganization(context.Background(), acme, now); err != nil {
		t.Fatal(err)
	}
}

func store(publicID string) importer.Store {
	return importer.Store{PublicID: publicID, Name: "店 " + publicID, Location: "東京都渋谷区1-1", Industry: "restaurant", Phone: "03-1234-5678"}
}

// begin journals an attempt at the store as an import does, then records it as far as assigned,
// with shopID, as the pipeline would before Complete.
func begin(t *testing.T, db importer.Journal, s importer.Store, shopID string) *importer.Entry {
	t.Helper()
	ctx := context.Background()
	run, err := db.StartRun(ctx, "org_1", "stores.csv", now)
	if err != nil {
		t.Fatal(err)
	}
	e := &importer.Entry{RunID: run, OrganizationID: "org_1", Line: 2, Store: s, Key: "k-" + s.PublicID,
		State: "creating", TokenFingerprint: "fp-1"}
	if err := db.Begin(ctx, e, now); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct{ from, to string }{{"creating", "created"}, {"created", "assigned"}} {
		e.State, e.ShopID = step.to, shopID
		if err := db.Record(ctx, e, step.from, now); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func shopFor(s importer.Store, id string) *orgclient.Shop {
	return &orgclient.Shop{ID: id, OrganizationID: "org_1", Name: s.Name, Location: s.Location,
		Services: []string{"RESERVATION"}, CreatedAt: "2026-11-25T09:00:00Z"}
}

func journalKeepsWhatARecoveryNeeds(t *testing.T, target Target) {
	db, ctx := target.DB, context.Background()
	saveOrg(t, db)
	done := begin(t, db, store("done-01"), "shop_1")
	if err := db.Complete(ctx, done, shopFor(done.Store, "shop_1"), now); err != nil {
		t.Fatal(err)
	}
	open := begin(t, db, store("open-01"), "shop_2")
	failed := begin(t, db, store("failed-01"), "")
	failed.State = "compensating"
	if err := db.Record(ctx, failed, "assigned", now); err != nil {
		t.Fatal(err)
	}
	failed.State, failed.Error = "compensated", "deleted again"
	if err := db.Record(ctx, failed, "compensating", now); err != nil {
		t.Fatal(err)
	}

	unsettled, err := db.Unsettled(ctx, "org_1")
	if err != nil || len(unsettled) != 1 {
		t.Fatalf("Unsettled = %+v, %v; want only open-01", unsettled, err)
	}
	got := unsettled[0]
	if got.ID != open.ID || got.Store != open.Store || got.Key != open.Key || got.State != "assigned" ||
		got.ShopID != "shop_2" || got.TokenFingerprint != "fp-1" || got.Line != 2 || got.RunID != open.RunID {
		t.Errorf("Unsettled gave %+v, want what was journaled: %+v", got, *open)
	}
	if !got.BeganAt.Equal(now) {
		t.Errorf("BeganAt = %v, want %v", got.BeganAt, now)
	}
	all, err := db.Attempts(ctx, "org_1")
	if err != nil || len(all) != 3 || all[0].ID != done.ID || all[1].ID != open.ID || all[2].ID != failed.ID {
		t.Fatalf("Attempts = %+v, %v; want the three, oldest first", all, err)
	}
	if all[2].Error != "deleted again" || all[2].ShopID != "" {
		t.Errorf("the compensated attempt reads back as %+v", all[2])
	}
	if others, err := db.Unsettled(ctx, "org_2"); err != nil || len(others) != 0 {
		t.Errorf("another organization's unsettled attempts: %+v, %v", others, err)
	}
	if err := db.FinishRun(ctx, open.RunID, now); err != nil {
		t.Errorf("FinishRun: %v", err)
	}
}

func journalWritesExpectTheStateTheWriterLeft(t *testing.T, target Target) {
	db, ctx := target.DB, context.Background()
	e := begin(t, db, store("a-01"), "shop_1")
	// Another run settled the attempt meanwhile: this one still thinks it is creating.
	e.State = "failed"
	if err := db.Record(ctx, e, "creating", now); !errors.Is(err, importer.ErrSuperseded) {
		t.Fatalf("record over another run's state: %v, want ErrSuperseded", err)
	}
	if state := stateOf(t, db, e.ID); state != "assigned" {
		t.Errorf("journal says %s after a refused write, want assigned untouched", state)
	}
}

func stateOf(t *testing.T, db importer.Journal, id int64) string {
	t.Helper()
	all, err := db.Attempts(context.Background(), "org_1")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		if e.ID == id {
			return e.State
		}
	}
	t.Fatalf("journal entry %d is missing", id)
	return ""
}
