package orgsim

import (
	"bytes"
	"net/http"
	"slices"
	"testing"
	"time"
)

func TestInjected503ProcessesNothingAndKeepsNoKey(t *testing.T) {
	cfg := baseConfig(newFakeClock())
	cfg.Faults.Ops = map[string]OpFaults{OpCreateShop: {Fail503: 1}}
	sim, url := startSim(t, cfg)
	req := createReq(tokenA, "org_a", "Shop")
	req.key = "k"
	if r := do(t, url, req); r.status != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", r.status)
	}
	if n := len(sim.Shops("org_a", true)); n != 0 {
		t.Fatalf("%d shops after a 503, want 0", n)
	}
	// Other operations are not affected.
	if r := do(t, url, request{token: tokenA, query: orgQuery, vars: map[string]any{"id": "org_a"}}); r.status != http.StatusOK {
		t.Errorf("organization query: %d", r.status)
	}
	if err := sim.SetFaults(Faults{}); err != nil {
		t.Fatal(err)
	}
	r := do(t, url, req)
	if r.status != http.StatusOK || r.header.Get("Idempotent-Replayed") != "" {
		t.Errorf("retry after 503: %d replayed=%q, want a processed 200", r.status, r.header.Get("Idempotent-Replayed"))
	}
	if n := len(sim.Shops("org_a", true)); n != 1 {
		t.Errorf("%d shops, want 1", n)
	}
}

func TestInjected429ProcessesNothingAndSaysWhenToRetry(t *testing.T) {
	cfg := baseConfig(newFakeClock())
	cfg.Faults.Rules = []Rule{{Op: OpCreateShop, Pattern: "^LIMITED", Action: Action429}}
	sim, url := startSim(t, cfg)
	req := createReq(tokenA, "org_a", "LIMITED")
	req.key = "k"
	r := do(t, url, req)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "1" {
		t.Fatalf("status %d, Retry-After %q, want 429 with Retry-After 1", r.status, r.header.Get("Retry-After"))
	}
	if n := len(sim.Shops("org_a", true)); n != 0 {
		t.Fatalf("%d shops after a 429, want 0", n)
	}
	if err := sim.SetFaults(Faults{}); err != nil {
		t.Fatal(err)
	}
	if r := do(t, url, req); r.status != http.StatusOK || r.header.Get("Idempotent-Replayed") != "" {
		t.Errorf("retry after 429: %d replayed=%q, want a processed 200", r.status, r.header.Get("Idempotent-Replayed"))
	}
	// Like the rate limit, the fault refuses a request before its key is looked at.
	sim.SetFaults(cfg.Faults)
	if r := do(t, url, req); r.status != http.StatusTooManyRequests {
		t.Errorf("replay under the fault: %d, want 429", r.status)
	}
}

func TestInjected504CommitsAndKeepsTheResponse(t *testing.T) {
	cfg := baseConfig(newFakeClock())
	cfg.Faults.Ops = map[string]OpFaults{OpCreateShop: {Fail504: 1}}
	sim, url := startSim(t, cfg)
	req := createReq(tokenA, "org_a", "Shop")
	req.key = "k"
	if r := do(t, url, req); r.status != http.StatusGatewayTimeout {
		t.Fatalf("status %d, want 504", r.status)
	}
	shops := sim.Shops("org_a", true)
	if len(shops) != 1 {
		t.Fatalf("%d shops after a 504, want 1", len(shops))
	}
	// The retry with the key gets what the client never saw, even though the fault is still on.
	r := do(t, url, req)
	if r.status != http.StatusOK || r.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("retry: %d replayed=%q", r.status, r.header.Get("Idempotent-Replayed"))
	}
	var payload struct{ Shop gqlShop }
	r.field(t, "createShop", &payload)
	if payload.Shop.ID != shops[0].ID {
		t.Errorf("replayed shop %q, committed %q", payload.Shop.ID, shops[0].ID)
	}
}

func TestFaultRulesByShopName(t *testing.T) {
	cfg := baseConfig(newFakeClock())
	cfg.Faults.Rules = []Rule{
		{Op: OpCreateShop, Pattern: "^BAD", Action: CodeInvalidInput},
		{Op: OpDeleteShop, Pattern: "^FAILDEL", Action: Action503},
		{Op: OpAssignServiceToOrganization, Pattern: "^LOST", Action: Action504AfterCommit},
		{Op: OpShop, Pattern: "^HIDDEN", Action: CodeInternal},
	}
	sim, url := startSim(t, cfg)

	r := do(t, url, createReq(tokenA, "org_a", "BAD shop"))
	if r.code() != CodeInvalidInput || len(r.Errors[0].Path) != 1 || r.Errors[0].Path[0] != "createShop" {
		t.Errorf("BAD shop: %s, want INVALID_INPUT at createShop", r.body)
	}
	if string(r.Data["createShop"]) != "null" {
		t.Errorf("BAD shop data: %s", r.body)
	}
	if n := len(sim.Shops("org_a", true)); n != 0 {
		t.Errorf("a rule's error still created %d shops", n)
	}

	failDel := mustCreate(t, url, tokenA, "org_a", "FAILDEL me")
	for range 3 {
		if r := do(t, url, deleteReq(tokenA, failDel)); r.status != http.StatusServiceUnavailable {
			t.Errorf("delete FAILDEL: %d, want 503", r.status)
		}
	}
	if n := len(sim.Shops("org_a", false)); n != 1 {
		t.Errorf("FAILDEL shop was deleted")
	}
	okShop := mustCreate(t, url, tokenA, "org_a", "fine")
	if r := do(t, url, deleteReq(tokenA, okShop)); r.status != http.StatusOK || len(r.Errors) > 0 {
		t.Errorf("delete of another shop: %d %s", r.status, r.body)
	}

	lost := mustCreate(t, url, tokenA, "org_a", "LOST")
	if r := do(t, url, assignReq(tokenA, "org_a", lost)); r.status != http.StatusGatewayTimeout {
		t.Errorf("assign LOST: %d, want 504", r.status)
	}
	for _, s := range sim.Shops("org_a", false) {
		if s.ID == lost && !slices.Equal(s.Services, []string{ServiceReservation}) {
			t.Errorf("504-after-commit did not commit: %+v", s)
		}
	}

	hidden := mustCreate(t, url, tokenA, "org_a", "HIDDEN")
	if r := do(t, url, request{token: tokenA, query: shopQuery, vars: map[string]any{"id": hidden}}); r.code() != CodeInternal {
		t.Errorf("shop HIDDEN: %s, want INTERNAL", r.body)
	}
}

func TestRandomFaultsAreReproducibleBySeed(t *testing.T) {
	statuses := func(seed int64) []int {
		cfg := baseConfig(newFakeClock())
		cfg.Seed = seed
		cfg.Faults.Ops = map[string]OpFaults{OpCreateShop: {Fail503: 0.3, Fail504: 0.3}}
		_, url := startSim(t, cfg)
		var out []int
		for range 30 {
			out = append(out, do(t, url, createReq(tokenA, "org_a", "x")).status)
		}
		return out
	}
	a, b := statuses(7), statuses(7)
	if !slices.Equal(a, b) {
		t.Errorf("same seed, different faults:\n%v\n%v", a, b)
	}
	for _, want := range []int{http.StatusOK, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		if !slices.Contains(a, want) {
			t.Errorf("30 requests at 30%%/30%% never answered %d: %v", want, a)
		}
	}
}

func TestLatencyDelaysEveryAnswer(t *testing.T) {
	cfg := baseConfig(newFakeClock())
	cfg.Faults.Latency = 50 * time.Millisecond
	_, url := startSim(t, cfg)
	for name, req := range map[string]request{
		"processed":       createReq(tokenA, "org_a", "x"),
		"unauthenticated": createReq("", "org_a", "x"),
	} {
		start := time.Now()
		do(t, url, req)
		if elapsed := time.Since(start); elapsed < cfg.Faults.Latency {
			t.Errorf("%s: answered after %v, before the latency", name, elapsed)
		}
	}
}

func TestAfterCommitCountsEachMutation(t *testing.T) {
	var calls [][2]any
	cfg := baseConfig(newFakeClock())
	cfg.AfterCommit = func(op string, n int) { calls = append(calls, [2]any{op, n}) }
	_, url := startSim(t, cfg)
	a := mustCreate(t, url, tokenA, "org_a", "a")
	mustCreate(t, url, tokenA, "org_a", "b")
	do(t, url, createReq(tokenA, "org_b", "refused")) // PERMISSION_DENIED: not a commit
	do(t, url, assignReq(tokenA, "org_a", a))
	do(t, url, deleteReq(tokenA, a))
	do(t, url, deleteReq(tokenA, a)) // NOT_FOUND: not a commit
	want := [][2]any{{OpCreateShop, 1}, {OpCreateShop, 2}, {OpAssignServiceToOrganization, 1}, {OpDeleteShop, 1}}
	if !slices.Equal(calls, want) {
		t.Errorf("AfterCommit calls %v, want %v", calls, want)
	}
}

func TestSetFaultsRejectsBadFaults(t *testing.T) {
	sim := New(baseConfig(newFakeClock()))
	bad := []Faults{
		{Rules: []Rule{{Op: OpCreateShop, Pattern: "(", Action: Action503}}},
		{Rules: []Rule{{Op: "createShops", Pattern: "", Action: Action503}}},
		{Rules: []Rule{{Op: OpCreateShop, Pattern: "", Action: "418"}}},
		{Ops: map[string]OpFaults{OpShops: {Fail503: 1.5}}},
		{Latency: -time.Second},
	}
	for _, f := range bad {
		if err := sim.SetFaults(f); err == nil {
			t.Errorf("SetFaults(%+v) accepted", f)
		}
	}
}

func TestRuleErrorsAreKeptForTheKeyLikeAnyAnswer(t *testing.T) {
	cfg := baseConfig(newFakeClock())
	cfg.Faults.Rules = []Rule{{Op: OpCreateShop, Pattern: "", Action: CodeInternal}}
	sim, url := startSim(t, cfg)
	req := createReq(tokenA, "org_a", "x")
	req.key = "k"
	first := do(t, url, req)
	if err := sim.SetFaults(Faults{}); err != nil {
		t.Fatal(err)
	}
	again := do(t, url, req)
	if first.code() != CodeInternal || again.header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(first.body, again.body) {
		t.Errorf("first %s, again %s (replayed=%q)", first.body, again.body, again.header.Get("Idempotent-Replayed"))
	}
}
