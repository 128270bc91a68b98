package storetest

import (
	"context"
	"testing"
)

func organizationIsSavedAndRefreshed(t *testing.T, target Target) {
	db, ctx := target.DB, context.Background()
	saveOrg(t, db)
	renamed := *acme
	renamed.Name, renamed.ShopLimit = "Acme Japan", 20
	if err := db.SaveOrganization(ctx, &renamed, now); err != nil {
		t.Fatalf("saving the organization again must refresh it: %v", err)
	}
	// A store of the organization is only possible if the organization row exists once.
	e := begin(t, db, store("a-01"), "shop_1")
	if err := db.Complete(ctx, e, shopFor(e.Store, "shop_1"), now); err != nil {
		t.Fatalf("Complete after saving the organization twice: %v", err)
	}
}

func completeStoresAndLooksUp(t *testing.T, target Target) {
	db, ctx := target.DB, context.Background()
	saveOrg(t, db)
	s := store("shibuya-01")
	s.Phone = ""
	e := begin(t, db, s, "shop_1")
	if err := db.Complete(ctx, e, shopFor(s, "shop_1"), now); err != nil {
		t.Fatal(err)
	}
	if open, _ := db.Unsettled(ctx, "org_1"); len(open) != 0 {
		t.Errorf("a completed attempt is still unsettled: %+v", open)
	}
	got, err := db.LookupStore(ctx, "shibuya-01")
	if err != nil || got == nil {
		t.Fatalf("LookupStore = %v, %v", got, err)
	}
	if got.OrganizationID != "org_1" || got.PlatformShopID != "shop_1" || got.Imported != s {
		t.Errorf("LookupStore = %+v, want org_1, shop_1 and the values imported: %+v", got, s)
	}
	if missing, err := db.LookupStore(ctx, "nowhere-01"); missing != nil || err != nil {
		t.Errorf("LookupStore of an unknown id = %v, %v", missing, err)
	}
	if owner, err := db.StoreOfShop(ctx, "shop_1"); owner != "shibuya-01" || err != nil {
		t.Errorf("StoreOfShop(shop_1) = %q, %v; want shibuya-01", owner, err)
	}
	if owner, err := db.StoreOfShop(ctx, "shop_9"); owner != "" || err != nil {
		t.Errorf("StoreOfShop of a shop no store links = %q, %v", owner, err)
	}
}

func completeIsOneTransaction(t *testing.T, target Target) {
	db, ctx := target.DB, context.Background()
	saveOrg(t, db)
	// The cache insert fails after the store row went in; the store row must not survive.
	target.FailCacheInsert(t)
	e := begin(t, db, store("shibuya-01"), "shop_1")
	if err := db.Complete(ctx, e, shopFor(e.Store, "shop_1"), now); err == nil {
		t.Fatal("Complete succeeded despite the failing cache insert")
	}
	noStoreAndStillAssigned(t, target, "shibuya-01")
}

func failedStoreInsertLeavesNoStore(t *testing.T, target Target) {
	db, ctx := target.DB, context.Background()
	saveOrg(t, db)
	target.FailStoreInsert(t, "broken-01")
	e := begin(t, db, store("broken-01"), "shop_1")
	if err := db.Complete(ctx, e, shopFor(e.Store, "shop_1"), now); err == nil {
		t.Fatal("Complete succeeded despite the failing store insert")
	}
	noStoreAndStillAssigned(t, target, "broken-01")
}

func noStoreAndStillAssigned(t *testing.T, target Target, publicID string) {
	t.Helper()
	ctx := context.Background()
	if s, err := target.DB.LookupStore(ctx, publicID); s != nil || err != nil {
		t.Errorf("a store is left after a failed Complete: %+v, %v", s, err)
	}
	open, err := target.DB.Unsettled(ctx, "org_1")
	if err != nil || len(open) != 1 || open[0].State != "assigned" || open[0].ShopID != "shop_1" {
		t.Errorf("after a failed Complete the journal must still say assigned with the shop: %+v, %v", open, err)
	}
}

func fingerprintKeyIsKept(t *testing.T, target Target) {
	ctx := context.Background()
	first, err := target.DB.FingerprintKey(ctx)
	if err != nil || len(first) < 16 {
		t.Fatalf("FingerprintKey = %x, %v; want a key of 16 bytes or more", first, err)
	}
	again := target.Reopen(t)
	second, err := again.FingerprintKey(ctx)
	if err != nil || string(second) != string(first) {
		t.Errorf("the key changed when the database was opened again: %x, then %x (%v)", first, second, err)
	}
}

func reconcileSeesLinkedStoresAndRefreshesCaches(t *testing.T, target Target) {
	db, ctx := target.DB, context.Background()
	saveOrg(t, db)
	e := begin(t, db, store("a-01"), "shop_1")
	shop := shopFor(e.Store, "shop_1")
	if err := db.Complete(ctx, e, shop, now); err != nil {
		t.Fatal(err)
	}
	renamed := *shop
	renamed.Name, renamed.Services = "新しい名前", []string{}
	if err := db.RefreshCache(ctx, "a-01", &renamed, now); err != nil {
		t.Fatal(err)
	}
	linked, err := db.LinkedStores(ctx, "org_1")
	if err != nil || len(linked) != 1 {
		t.Fatalf("LinkedStores = %+v, %v", linked, err)
	}
	got := linked[0]
	if got.PublicID != "a-01" || got.ShopID != "shop_1" || got.CacheName != "新しい名前" || got.CacheLocation != shop.Location || len(got.CacheServices) != 0 {
		t.Errorf("LinkedStores gave %+v, want the refreshed cache", got)
	}
	if others, err := db.LinkedStores(ctx, "org_2"); err != nil || len(others) != 0 {
		t.Errorf("another organization's stores: %+v, %v", others, err)
	}
}
