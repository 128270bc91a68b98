package orgsim

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestIdempotencyKeyReplaysTheKeptResponse(t *testing.T) {
	sim, url := startSim(t, baseConfig(newFakeClock()))
	first := createReq(tokenA, "org_a", "Shop")
	first.key = "key-1"
	r1 := do(t, url, first)
	if r1.status != http.StatusOK || len(r1.Errors) > 0 {
		t.Fatalf("first: %d %s", r1.status, r1.body)
	}
	if r1.header.Get("Idempotent-Replayed") != "" {
		t.Error("first response is marked as replayed")
	}

	// The same request, encoded differently, is the same body.
	again := request{token: tokenA, key: "key-1", body: `{
		"variables": {"input": {"location": "Berlin", "name": "Shop", "organizationId": "org_a"}},
		"operationName": "CreateShop",
		"query": ` + jsonString(createShopQuery) + `}`}
	r2 := do(t, url, again)
	if r2.status != http.StatusOK || r2.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %d, Idempotent-Replayed %q", r2.status, r2.header.Get("Idempotent-Replayed"))
	}
	if !bytes.Equal(r1.body, r2.body) {
		t.Errorf("replayed body differs:\n%s\n%s", r1.body, r2.body)
	}
	if n := len(sim.Shops("org_a", true)); n != 1 {
		t.Errorf("%d shops, want 1", n)
	}

	// Same key, other body: 422, nothing done.
	other := createReq(tokenA, "org_a", "Other shop")
	other.key = "key-1"
	if r := do(t, url, other); r.status != http.StatusUnprocessableEntity {
		t.Errorf("other body: %d, want 422", r.status)
	}
	if n := len(sim.Shops("org_a", true)); n != 1 {
		t.Errorf("%d shops after 422, want 1", n)
	}

	// Keys belong to a token: another token's key-1 is a new key.
	b := createReq(tokenB, "org_b", "Shop")
	b.key = "key-1"
	if r := do(t, url, b); r.status != http.StatusOK || r.header.Get("Idempotent-Replayed") != "" {
		t.Errorf("other token, same key: %d replayed=%q", r.status, r.header.Get("Idempotent-Replayed"))
	}
	if n := len(sim.Shops("org_b", true)); n != 1 {
		t.Errorf("org_b has %d shops, want 1", n)
	}
}

func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func TestIdempotencyKeyInFlightIs409(t *testing.T) {
	committed := make(chan struct{})
	release := make(chan struct{})
	var releaseOnce sync.Once
	unblock := func() { releaseOnce.Do(func() { close(release) }) }
	cfg := baseConfig(newFakeClock())
	// The hook runs after the commit and before the response is kept: the key is in flight.
	cfg.AfterCommit = func(op string, n int) {
		close(committed)
		<-release
	}
	sim, url := startSim(t, cfg)
	// Registered after startSim's cleanup, so it runs first: a failing test must not leave the
	// server waiting for a handler that waits for us.
	t.Cleanup(unblock)

	first := createReq(tokenA, "org_a", "Shop")
	first.key = "slow"
	done := make(chan *result, 1)
	go func() {
		r, err := send(url, first)
		if err != nil {
			t.Error(err)
		}
		done <- r
	}()

	select {
	case <-committed:
	case <-time.After(10 * time.Second):
		t.Fatal("the first request never committed")
	}
	if r := do(t, url, first); r.status != http.StatusConflict {
		t.Errorf("same key while in flight: %d, want 409", r.status)
	}
	unblock()
	var r1 *result
	select {
	case r1 = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the first request never finished")
	}
	if r1 == nil || r1.status != http.StatusOK {
		t.Fatalf("first request: %+v", r1)
	}
	r3 := do(t, url, first)
	if r3.header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(r3.body, r1.body) {
		t.Errorf("after the first finished: %d replayed=%q", r3.status, r3.header.Get("Idempotent-Replayed"))
	}
	if n := len(sim.Shops("org_a", true)); n != 1 {
		t.Errorf("%d shops, want 1", n)
	}
}

func TestIdempotencyKeyExpiresAfter24Hours(t *testing.T) {
	clock := newFakeClock()
	sim, url := startSim(t, baseConfig(clock))
	req := createReq(tokenA, "org_a", "Shop")
	req.key = "daily"
	do(t, url, req)
	clock.Advance(23 * time.Hour)
	if r := do(t, url, req); r.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("after 23h: not replayed (%d)", r.status)
	}
	clock.Advance(time.Hour)
	if r := do(t, url, req); r.status != http.StatusOK || r.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("after 24h: %d replayed=%q, want a fresh 200", r.status, r.header.Get("Idempotent-Replayed"))
	}
	if n := len(sim.Shops("org_a", true)); n != 2 {
		t.Errorf("%d shops, want 2", n)
	}
}

func TestMalformedIdempotencyKeyIs400(t *testing.T) {
	sim, url := startSim(t, baseConfig(newFakeClock()))
	for name, key := range map[string]string{
		"too long":      strings.Repeat("k", 256),
		"not printable": "tab\there",
		"not ASCII":     "schlüssel",
	} {
		req := createReq(tokenA, "org_a", "Shop")
		req.key = key
		if r := do(t, url, req); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", name, r.status)
		}
	}
	longest := createReq(tokenA, "org_a", "Shop")
	longest.key = strings.Repeat("k", 255)
	if r := do(t, url, longest); r.status != http.StatusOK {
		t.Errorf("255-character key: %d, want 200", r.status)
	}
	if n := len(sim.Shops("org_a", true)); n != 1 {
		t.Errorf("%d shops, want 1", n)
	}
}

func TestIdempotencyStoreDropsExpiredEntries(t *testing.T) {
	is := newIdempotencyStore()
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	slot := idemSlot{caller: "token#1", key: "k"}
	if v, _ := is.begin(slot, [32]byte{1}, now); v != idemProceed {
		t.Fatalf("first begin: %v", v)
	}
	is.finish(slot, storedResponse{status: 200}, now)
	if v, _ := is.begin(idemSlot{caller: "token#1", key: "other"}, [32]byte{2}, now.Add(idempotencyTTL)); v != idemProceed {
		t.Fatalf("other key: %v", v)
	}
	if _, ok := is.entries[slot]; ok || len(is.expiry) != 0 {
		t.Errorf("expired entry kept: %d entries, %d queued", len(is.entries), len(is.expiry))
	}
}
