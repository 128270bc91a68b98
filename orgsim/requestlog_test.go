package orgsim

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRequestLog(t *testing.T) {
	clock := newFakeClock()
	cfg := baseConfig(clock)
	var lines bytes.Buffer
	cfg.RequestLog = &lines
	cfg.Faults.Rules = []Rule{{Op: OpDeleteShop, Pattern: "^FAILDEL", Action: Action503}}
	sim, url := startSim(t, cfg)

	create := createReq(tokenA, "org_a", "FAILDEL")
	create.key = "k1"
	id := mustCreateWith(t, url, create)
	do(t, url, create) // replay
	do(t, url, deleteReq(tokenA, id))
	do(t, url, request{token: tokenB, query: `query Both { organization(id: "org_b") { id } shops(organizationId: "org_b") { nodes { id } } }`, opName: "Both"})
	do(t, url, request{token: tokenB, query: orgQuery, vars: map[string]any{"id": "org_a"}})
	do(t, url, createReq("", "org_a", "x"))

	want := []LogEntry{
		{Token: "token#1", Operation: OpCreateShop, OperationName: "CreateShop", OperationType: "mutation", IdempotencyKey: "k1", Status: 200, Outcome: OutcomeOK},
		{Token: "token#1", Operation: OpCreateShop, OperationName: "CreateShop", OperationType: "mutation", IdempotencyKey: "k1", Replayed: true, Status: 200, Outcome: OutcomeOK},
		{Token: "token#1", Operation: OpDeleteShop, OperationName: "DeleteShop", OperationType: "mutation", Status: 503, Outcome: Outcome503Injected},
		{Token: "token#2", Operation: "organization,shops", OperationName: "Both", OperationType: "query", Status: 200, Outcome: OutcomeOK},
		{Token: "token#2", Operation: OpOrganization, OperationName: "Org", OperationType: "query", Status: 200, Outcome: CodePermissionDenied},
		{Operation: "", Status: 401, Outcome: "401"},
	}
	got := sim.Log()
	if len(got) != len(want) {
		t.Fatalf("%d log entries, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		want[i].Time = clock.Now()
		if got[i] != want[i] {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}

	if strings.Contains(lines.String(), tokenA) || strings.Contains(lines.String(), tokenB) {
		t.Error("the JSON log holds a token")
	}
	sc := bufio.NewScanner(&lines)
	var n int
	for ; sc.Scan(); n++ {
		var e LogEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		if e != got[n] {
			t.Errorf("line %d: %+v, want %+v", n+1, e, got[n])
		}
	}
	if n != len(want) {
		t.Errorf("%d JSON lines, want %d", n, len(want))
	}
}

// mustCreateWith sends a prepared createShop request and returns the shop's id.
func mustCreateWith(t *testing.T, url string, req request) string {
	t.Helper()
	r := do(t, url, req)
	if r.status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("createShop: %d %s", r.status, r.body)
	}
	var payload struct{ Shop gqlShop }
	r.field(t, "createShop", &payload)
	return payload.Shop.ID
}

func TestBusiestSecond(t *testing.T) {
	at := func(ms int) LogEntry {
		return LogEntry{Time: time.Unix(0, 0).Add(time.Duration(ms) * time.Millisecond)}
	}
	log := []LogEntry{at(0), at(100), at(999), at(1000), at(1500), at(1600), at(1700), at(2600)}
	if got := BusiestSecond(log); got != 5 { // 1000..1999: 1000, 1500, 1600, 1700 and 999
		t.Errorf("BusiestSecond = %d, want 5", got)
	}
	if got := BusiestSecond(nil); got != 0 {
		t.Errorf("BusiestSecond(nil) = %d", got)
	}
}
