package orgsim

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCreateShop(t *testing.T) {
	clock := newFakeClock()
	sim, url := startSim(t, baseConfig(clock))
	r := do(t, url, createReq(tokenA, "org_a", "Café Zürich"))
	var payload struct{ Shop gqlShop }
	r.field(t, "createShop", &payload)
	want := gqlShop{ID: "shop_000001", OrganizationID: "org_a", Name: "Café Zürich", Location: "Berlin",
		Services: []string{}, CreatedAt: clock.Now().Format(time.RFC3339)}
	if fmt.Sprint(payload.Shop) != fmt.Sprint(want) || payload.Shop.Services == nil {
		t.Errorf("created %+v, want %+v", payload.Shop, want)
	}
	// Names need not be unique: a second call makes a second shop.
	if id := mustCreate(t, url, tokenA, "org_a", "Café Zürich"); id != "shop_000002" {
		t.Errorf("second shop id %q", id)
	}
	if n := len(sim.Shops("org_a", false)); n != 2 {
		t.Errorf("%d shops, want 2", n)
	}
}

func TestErrorCodes(t *testing.T) {
	cfg := baseConfig(newFakeClock())
	cfg.Organizations = append(cfg.Organizations, Org{ID: "org_full", Name: "Full", ShopLimit: 0})
	cfg.Tokens[0].Orgs = append(cfg.Tokens[0].Orgs, "org_full")
	cfg.Faults.Rules = []Rule{{Op: OpCreateShop, Pattern: "^BOOM", Action: CodeInternal}}
	sim, url := startSim(t, cfg)
	shopB := mustCreate(t, url, tokenB, "org_b", "B's shop")

	input := func(org, name, location string) request {
		return request{token: tokenA, query: createShopQuery,
			vars: map[string]any{"input": map[string]any{"organizationId": org, "name": name, "location": location}}}
	}
	cases := []struct {
		name    string
		req     request
		code    string
		message string // part of the message, when it matters
	}{
		{"unknown organization", input("org_ghost", "x", "y"), CodeNotFound, ""},
		{"foreign organization", input("org_b", "x", "y"), CodePermissionDenied, ""},
		{"empty name", input("org_a", "", "y"), CodeInvalidInput, "name"},
		{"name of 101 characters", input("org_a", strings.Repeat("é", 101), "y"), CodeInvalidInput, "name"},
		{"empty location", input("org_a", "x", ""), CodeInvalidInput, "location"},
		{"location of 201 characters", input("org_a", "x", strings.Repeat("ö", 201)), CodeInvalidInput, "location"},
		{"shop limit", input("org_full", "x", "y"), CodeShopLimitExceeded, ""},
		{"injected INTERNAL", input("org_a", "BOOM", "y"), CodeInternal, ""},
		{"foreign shop", request{token: tokenA, query: shopQuery, vars: map[string]any{"id": shopB}}, CodePermissionDenied, ""},
		{"foreign organization query", request{token: tokenA, query: orgQuery, vars: map[string]any{"id": "org_b"}}, CodePermissionDenied, ""},
		{"foreign shops", request{token: tokenA, query: shopsQuery, vars: map[string]any{"org": "org_b"}}, CodePermissionDenied, ""},
		{"shops of unknown organization", request{token: tokenA, query: shopsQuery, vars: map[string]any{"org": "org_ghost"}}, CodeNotFound, ""},
		{"delete foreign shop", deleteReq(tokenA, shopB), CodePermissionDenied, ""},
		{"delete unknown shop", deleteReq(tokenA, "shop_999999"), CodeNotFound, ""},
	}
	for _, c := range cases {
		r := do(t, url, c.req)
		if r.status != http.StatusOK || r.code() != c.code {
			t.Errorf("%s: %d %s, want code %s", c.name, r.status, r.body, c.code)
			continue
		}
		if !strings.Contains(r.Errors[0].Message, c.message) {
			t.Errorf("%s: message %q does not say %q", c.name, r.Errors[0].Message, c.message)
		}
	}
	// The limits count characters, not bytes: 100 two-byte characters are fine.
	mustCreate(t, url, tokenA, "org_a", strings.Repeat("é", 100))
	if n := len(sim.Shops("org_a", true)); n != 1 {
		t.Errorf("org_a has %d shops, want only the valid one", n)
	}
	if n := len(sim.Shops("org_b", true)); n != 1 {
		t.Errorf("org_b has %d shops, want 1", n)
	}
}

func TestShopLimitCountsLiveShops(t *testing.T) {
	cfg := baseConfig(newFakeClock())
	cfg.Organizations[0].ShopLimit = 2
	_, url := startSim(t, cfg)
	first := mustCreate(t, url, tokenA, "org_a", "1")
	mustCreate(t, url, tokenA, "org_a", "2")
	if r := do(t, url, createReq(tokenA, "org_a", "3")); r.code() != CodeShopLimitExceeded {
		t.Fatalf("third shop: %s, want SHOP_LIMIT_EXCEEDED", r.body)
	}
	if r := do(t, url, deleteReq(tokenA, first)); len(r.Errors) > 0 {
		t.Fatalf("delete: %s", r.body)
	}
	mustCreate(t, url, tokenA, "org_a", "3")
}

func TestQueriesOfMissingThingsAreNull(t *testing.T) {
	_, url := startSim(t, baseConfig(newFakeClock()))
	id := mustCreate(t, url, tokenA, "org_a", "Shop")
	do(t, url, deleteReq(tokenA, id))
	for name, req := range map[string]request{
		"deleted shop":     {token: tokenA, query: shopQuery, vars: map[string]any{"id": id}},
		"unknown shop":     {token: tokenA, query: shopQuery, vars: map[string]any{"id": "shop_424242"}},
		"unknown org":      {token: tokenA, query: orgQuery, vars: map[string]any{"id": "org_ghost"}},
		"garbage shop id":  {token: tokenA, query: shopQuery, vars: map[string]any{"id": "🙂"}},
		"another bad form": {token: tokenA, query: shopQuery, vars: map[string]any{"id": ""}},
	} {
		r := do(t, url, req)
		if len(r.Errors) > 0 || len(r.Data) != 1 {
			t.Errorf("%s: %s", name, r.body)
			continue
		}
		for _, v := range r.Data {
			if string(v) != "null" {
				t.Errorf("%s: %s, want null", name, v)
			}
		}
	}
	r := do(t, url, request{token: tokenA, query: orgQuery, vars: map[string]any{"id": "org_a"}})
	var org Org
	r.field(t, "organization", &org)
	if org != (Org{ID: "org_a", Name: "Org A", ShopLimit: 1000}) {
		t.Errorf("organization %+v", org)
	}
}

func TestDeleteShop(t *testing.T) {
	sim, url := startSim(t, baseConfig(newFakeClock()))
	id := mustCreate(t, url, tokenA, "org_a", "Shop")
	r := do(t, url, deleteReq(tokenA, id))
	var payload struct{ DeletedShopID string }
	r.field(t, "deleteShop", &payload)
	if payload.DeletedShopID != id {
		t.Errorf("deletedShopId %q, want %q", payload.DeletedShopID, id)
	}
	if r := do(t, url, deleteReq(tokenA, id)); r.code() != CodeNotFound {
		t.Errorf("second delete: %s, want NOT_FOUND", r.body)
	}
	shops := sim.Shops("org_a", true)
	if len(shops) != 1 || !shops[0].Deleted || len(sim.Shops("org_a", false)) != 0 {
		t.Errorf("shops after delete: %+v", shops)
	}
}

func TestAssignServiceIsIdempotent(t *testing.T) {
	sim, url := startSim(t, baseConfig(newFakeClock()))
	id := mustCreate(t, url, tokenA, "org_a", "Shop")
	for i := range 2 {
		r := do(t, url, assignReq(tokenA, "org_a", id))
		var payload struct{ Shop gqlShop }
		r.field(t, "assignServiceToOrganization", &payload)
		if !slices.Equal(payload.Shop.Services, []string{ServiceReservation}) {
			t.Errorf("assign #%d: services %v", i+1, payload.Shop.Services)
		}
	}
	if got := sim.Shops("org_a", false)[0].Services; !slices.Equal(got, []string{ServiceReservation}) {
		t.Errorf("stored services %v", got)
	}

	idB := mustCreate(t, url, tokenB, "org_b", "B")
	if r := do(t, url, assignReq(tokenA, "org_a", idB)); r.code() != CodeNotFound {
		t.Errorf("shop of another organization: %s, want NOT_FOUND", r.body)
	}
	if r := do(t, url, assignReq(tokenA, "org_b", idB)); r.code() != CodePermissionDenied {
		t.Errorf("foreign organization: %s, want PERMISSION_DENIED", r.body)
	}
	do(t, url, deleteReq(tokenA, id))
	if r := do(t, url, assignReq(tokenA, "org_a", id)); r.code() != CodeNotFound {
		t.Errorf("deleted shop: %s, want NOT_FOUND", r.body)
	}
	if r := do(t, url, request{token: tokenA, query: assignQuery, vars: map[string]any{"input": map[string]any{
		"organizationId": "org_a", "shopId": id, "service": "DELIVERY"}}}); r.code() != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("unknown service: %s", r.body)
	}
}

type shopsPage struct {
	Nodes    []gqlShop
	PageInfo struct {
		EndCursor   *string
		HasNextPage bool
	}
}

func TestShopsPagination(t *testing.T) {
	_, url := startSim(t, baseConfig(newFakeClock()))
	var want []string
	for i := range 8 {
		id := mustCreate(t, url, tokenA, "org_a", fmt.Sprintf("s%d", i))
		want = append(want, id)
	}
	mustCreate(t, url, tokenB, "org_b", "elsewhere")
	// Delete one shop on the first page and the one the first page will end on.
	do(t, url, deleteReq(tokenA, want[1]))
	want = slices.Delete(want, 1, 2)

	page := func(first int, after *string) (*result, shopsPage) {
		vars := map[string]any{"org": "org_a", "first": first}
		if after != nil {
			vars["after"] = *after
		}
		r := do(t, url, request{token: tokenA, query: shopsQuery, vars: vars})
		var p shopsPage
		if len(r.Errors) == 0 {
			r.field(t, "shops", &p)
		}
		return r, p
	}

	var got []string
	var after *string
	for range 10 { // bounded: 7 shops in pages of 3 take 3
		_, p := page(3, after)
		for _, s := range p.Nodes {
			got = append(got, s.ID)
		}
		if !p.PageInfo.HasNextPage {
			break
		}
		if p.PageInfo.EndCursor == nil {
			t.Fatal("hasNextPage without endCursor")
		}
		after = p.PageInfo.EndCursor
		if len(got) == 3 {
			// The shop the cursor points at goes away; the next page still follows it.
			do(t, url, deleteReq(tokenA, got[2]))
			want = slices.DeleteFunc(want, func(id string) bool { return id == got[2] })
		}
	}
	wantSeen := append(slices.Clone(want[:2]), got[2])
	wantSeen = append(wantSeen, want[2:]...)
	if !slices.Equal(got, wantSeen) {
		t.Errorf("paged %v, want %v", got, wantSeen)
	}

	// The default page is 100, and the maximum 500.
	r := do(t, url, request{token: tokenA, query: `{ shops(organizationId: "org_a") { nodes { id } pageInfo { hasNextPage endCursor } } }`})
	var all shopsPage
	r.field(t, "shops", &all)
	if len(all.Nodes) != len(want) || all.PageInfo.HasNextPage {
		t.Errorf("default page: %d shops, hasNextPage %v", len(all.Nodes), all.PageInfo.HasNextPage)
	}
	if r, _ := page(501, nil); r.code() != CodeInvalidInput {
		t.Errorf("first 501: %s", r.body)
	}
	if r, _ := page(-1, nil); r.code() != CodeInvalidInput {
		t.Errorf("first -1: %s", r.body)
	}
	bad := "not-a-cursor"
	if r, _ := page(3, &bad); r.code() != CodeInvalidInput {
		t.Errorf("bad cursor: %s", r.body)
	}
	if _, p := page(500, nil); len(p.Nodes) != len(want) {
		t.Errorf("first 500: %d shops", len(p.Nodes))
	}
	if _, p := page(0, nil); len(p.Nodes) != 0 || !p.PageInfo.HasNextPage || p.PageInfo.EndCursor != nil {
		t.Errorf("first 0: %+v", p)
	}
}

func TestDefaultPageSizeIs100(t *testing.T) {
	sim := New(baseConfig(newFakeClock()))
	for i := range 101 {
		if _, _, err := sim.store.createShop("org_a", fmt.Sprint(i), "x", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	ts := httptestServer(t, sim)
	r := do(t, ts, request{token: tokenA, query: `{ shops(organizationId: "org_a") { nodes { id } pageInfo { hasNextPage } } }`})
	var p shopsPage
	r.field(t, "shops", &p)
	if len(p.Nodes) != 100 || !p.PageInfo.HasNextPage {
		t.Errorf("default page: %d shops, hasNextPage %v", len(p.Nodes), p.PageInfo.HasNextPage)
	}
}
