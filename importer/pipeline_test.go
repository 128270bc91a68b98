package importer_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgclient"
	"github.com/acme/storeimport/orgsim"
	"github.com/acme/storeimport/storedb"
	"github.com/acme/storeimport/storedb/storetest"
)

const (
	testOrg   = "org_1"
	testToken = "test-token"
	header    = "public_id,name,location,industry,phone\n"
)

// harness is a real platform (the simulator over HTTP), a real client and a real database: an
// SQLite file, or a PostgreSQL database of its own with STOREIMPORT_TEST_STORE=postgres.
type harness struct {
	t        *testing.T
	sim      *orgsim.Server
	client   *orgclient.Client
	db       importer.Database
	store    storetest.Target
	dir      string
	endpoint string
}

func newHarness(t *testing.T, cfg orgsim.Config, rate float64, burst int) *harness {
	t.Helper()
	if cfg.Organizations == nil {
		cfg.Organizations = []orgsim.Org{{ID: testOrg, Name: "Acme", ShopLimit: 100}}
	}
	cfg.Tokens = append(cfg.Tokens, orgsim.Token{Value: testToken, Orgs: []string{testOrg}})
	sim := orgsim.New(cfg)
	store := storetest.FromEnv(t)
	h := &harness{t: t, sim: sim, db: store.DB, store: store, dir: t.TempDir()}
	h.serve(sim.Handler(), rate, burst)
	return h
}

// serve runs handler on loopback and points the harness's client at it.
func (h *harness) serve(handler http.Handler, rate float64, burst int) {
	h.t.Helper()
	srv := httptest.NewServer(handler)
	h.t.Cleanup(srv.Close)
	client, err := orgclient.New(orgclient.Config{
		Endpoint: srv.URL, Token: testToken, Rate: rate, Burst: burst,
		MaxAttempts: 3, BaseBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	h.client, h.endpoint = client, srv.URL
}

// collected is the report as a test reads it.
type collected struct {
	rows    []importer.Result
	summary *importer.Summary
}

func (c *collected) Row(r importer.Result) error     { c.rows = append(c.rows, r); return nil }
func (c *collected) Close(s *importer.Summary) error { c.summary = s; return nil }

func (c *collected) status(publicID string) importer.Result {
	for _, r := range c.rows {
		if r.PublicID == publicID {
			return r
		}
	}
	return importer.Result{}
}

var keys atomic.Int64

func (h *harness) job(csv string, dryRun bool) (importer.Job, *collected) {
	h.t.Helper()
	path := filepath.Join(h.dir, fmt.Sprintf("stores-%d.csv", keys.Add(1)))
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		h.t.Fatal(err)
	}
	report := &collected{}
	job := importer.Job{
		OrganizationID: testOrg,
		Path:           path,
		Encoding:       "auto",
		Lang:           "en",
		DryRun:         dryRun,
		Platform:       h.client,
		Stores:         h.db,
		Journal:        h.db,
		Lookup:         h.db,
		Clock:          importer.SystemClock{},
		NewKey:         func() string { return fmt.Sprintf("key-%d", keys.Add(1)) },
		Report:         report,
		Log:            slog.New(slog.DiscardHandler),
	}
	if !dryRun { // as on the command line: a dry run never writes the database, not even the key
		job.TokenFingerprint = h.fingerprint(h.client)
	}
	return job, report
}

// fingerprint names c's token in the journal, as the command line does.
func (h *harness) fingerprint(c *orgclient.Client) string {
	h.t.Helper()
	key, err := h.db.FingerprintKey(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return c.TokenFingerprint(key)
}

// anotherClient talks to the platform with a second token for the same organization.
func (h *harness) anotherClient(token string) *orgclient.Client {
	h.t.Helper()
	if err := h.sim.AddToken(orgsim.Token{Value: token, Orgs: []string{testOrg}}); err != nil {
		h.t.Fatal(err)
	}
	c, err := orgclient.New(orgclient.Config{Endpoint: h.endpoint, Token: token, Rate: 1000, Burst: 10, MaxAttempts: 3,
		BaseBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond})
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

func (h *harness) run(csv string) *collected {
	h.t.Helper()
	job, report := h.job(csv, false)
	return h.runJob(job, report)
}

func (h *harness) runJob(job importer.Job, report *collected) *collected {
	h.t.Helper()
	plan, err := importer.Scan(job.Path, importer.ReadOptions{Encoding: job.Encoding, Sheet: job.Sheet})
	if err != nil {
		h.t.Fatal(err)
	}
	summary, err := importer.Run(context.Background(), job, plan)
	if err != nil {
		h.t.Fatal(err)
	}
	if summary != report.summary {
		h.t.Fatal("the reporter was not closed with the run's summary")
	}
	return report
}

// mutations counts the mutation requests the simulator received, by root field.
func (h *harness) mutations() map[string]int {
	counts := map[string]int{}
	for _, e := range h.sim.Log() {
		if e.OperationType == "mutation" {
			counts[e.Operation]++
		}
	}
	return counts
}

func (h *harness) liveShops() []orgsim.Shop { return h.sim.Shops(testOrg, false) }

func (h *harness) localStores() map[string]string {
	rows, err := h.store.SQL.Query(`SELECT public_id, platform_shop_id FROM stores`)
	if err != nil {
		h.t.Fatal(err)
	}
	defer rows.Close()
	stores := map[string]string{}
	for rows.Next() {
		var id, shop string
		rows.Scan(&id, &shop)
		stores[id] = shop
	}
	return stores
}

func row(id, name string) string {
	return fmt.Sprintf("%s,%s,東京都渋谷区1-1,restaurant,03-1234-5678\n", id, name)
}

func TestImportCreatesShopsWithReservationAndStores(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	report := h.run(header + row("shibuya-01", "渋谷店") + row("shinjuku-01", "新宿店") + row("ueno-01", "上野店"))

	if got := report.summary.Count(importer.StatusCreated); got != 3 {
		t.Fatalf("summary %s, want 3 created", report.summary.Line())
	}
	shops := h.liveShops()
	stores := h.localStores()
	if len(shops) != 3 || len(stores) != 3 {
		t.Fatalf("%d live shops and %d stores, want 3 and 3", len(shops), len(stores))
	}
	for _, shop := range shops {
		if len(shop.Services) != 1 || shop.Services[0] != "RESERVATION" {
			t.Errorf("shop %s has services %v, want RESERVATION", shop.ID, shop.Services)
		}
	}
	for _, r := range report.rows {
		if stores[r.PublicID] != r.ShopID || r.ShopID == "" {
			t.Errorf("row %s reports shop %q, the database links %q", r.PublicID, r.ShopID, stores[r.PublicID])
		}
	}
	var cached int
	h.store.QueryRow(`SELECT count(*) FROM store_caches c JOIN stores s ON s.id = c.store_id WHERE c.platform_shop_id = s.platform_shop_id AND c.services = '["RESERVATION"]'`).Scan(&cached)
	if cached != 3 {
		t.Errorf("%d store caches match their shop, want 3", cached)
	}
}

func TestCreateRefusedFailsOnlyThatRow(t *testing.T) {
	h := newHarness(t, orgsim.Config{Faults: orgsim.Faults{Rules: []orgsim.Rule{
		{Op: orgsim.OpCreateShop, Pattern: "閉店", Action: orgsim.CodeInvalidInput},
	}}}, 1000, 10)
	report := h.run(header + row("a-01", "閉店予定") + row("b-01", "営業中"))

	if r := report.status("a-01"); r.Status != importer.StatusFailed || r.ShopID != "" || !strings.Contains(r.Error, "refused") {
		t.Errorf("refused row: %+v", r)
	}
	if r := report.status("b-01"); r.Status != importer.StatusCreated {
		t.Errorf("the next row must go on: %+v", r)
	}
	if n := h.mutations()[orgsim.OpDeleteShop]; n != 0 {
		t.Errorf("%d deleteShop sent; nothing was made, so nothing to compensate", n)
	}
}

func TestAssignFailureDeletesTheShop(t *testing.T) {
	h := newHarness(t, orgsim.Config{Faults: orgsim.Faults{Rules: []orgsim.Rule{
		{Op: orgsim.OpAssignServiceToOrganization, Pattern: "^横浜", Action: orgsim.Action503},
	}}}, 1000, 10)
	report := h.run(header + row("yokohama-01", "横浜店") + row("kawasaki-01", "川崎店"))

	r := report.status("yokohama-01")
	if r.Status != importer.StatusFailed || r.ShopID != "" {
		t.Fatalf("row whose assign failed: %+v, want failed with no shop left", r)
	}
	if n := h.mutations()[orgsim.OpDeleteShop]; n != 1 {
		t.Errorf("%d deleteShop sent, want 1", n)
	}
	for _, shop := range h.liveShops() {
		if shop.Name == "横浜店" {
			t.Errorf("shop %s is still live after compensation", shop.ID)
		}
	}
	if _, stored := h.localStores()["yokohama-01"]; stored {
		t.Error("the failed row was stored locally")
	}
	if report.status("kawasaki-01").Status != importer.StatusCreated {
		t.Error("the row after a compensated one must still be created")
	}
}

func TestLocalInsertFailureDeletesTheShop(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	h.store.FailStoreInsert(t, "broken-01")
	report := h.run(header + row("broken-01", "壊れた店") + row("fine-01", "元気な店"))

	r := report.status("broken-01")
	if r.Status != importer.StatusFailed || !strings.Contains(r.Error, "injected") {
		t.Fatalf("row whose insert failed: %+v", r)
	}
	if n := h.mutations()[orgsim.OpDeleteShop]; n != 1 {
		t.Errorf("%d deleteShop sent, want 1", n)
	}
	if live := h.liveShops(); len(live) != 1 || live[0].Name != "元気な店" {
		t.Errorf("live shops after compensation: %+v, want only 元気な店", live)
	}
}

func TestFailedCompensationNeedsAttentionWithTheShopID(t *testing.T) {
	h := newHarness(t, orgsim.Config{Faults: orgsim.Faults{Rules: []orgsim.Rule{
		{Op: orgsim.OpAssignServiceToOrganization, Pattern: "^STUCK", Action: orgsim.CodeInternal},
		{Op: orgsim.OpDeleteShop, Pattern: "^STUCK", Action: orgsim.Action503},
	}}}, 1000, 10)
	report := h.run(header + row("stuck-01", "STUCK店") + row("after-01", "次の店"))

	r := report.status("stuck-01")
	if r.Status != importer.StatusNeedsAttention {
		t.Fatalf("row whose compensation failed: %+v, want needs_attention", r)
	}
	live := h.liveShops()
	if r.ShopID == "" || !hasShop(live, r.ShopID) {
		t.Errorf("needs_attention must name the live shop left behind; reported %q, live %+v", r.ShopID, live)
	}
	if report.status("after-01").Status != importer.StatusCreated {
		t.Error("the run must go on after a row that needs attention")
	}
}

func hasShop(shops []orgsim.Shop, id string) bool {
	for _, s := range shops {
		if s.ID == id {
			return true
		}
	}
	return false
}

func TestRerunSendsNoMutation(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	csv := header + row("shibuya-01", "渋谷店") + row("shinjuku-01", "新宿店")
	h.run(csv)
	before := h.mutations()
	report := h.run(csv)

	if got := report.summary.Count(importer.StatusSkipped); got != 2 {
		t.Errorf("rerun: %s, want 2 skipped", report.summary.Line())
	}
	after := h.mutations()
	for op, n := range after {
		if n != before[op] {
			t.Errorf("the rerun sent %d more %s", n-before[op], op)
		}
	}
	if r := report.status("shibuya-01"); r.ShopID == "" {
		t.Error("a skipped row reports the shop it is linked to")
	}
}

func TestDuplicatePublicIDsMarkBothLines(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	report := h.run(header + row("twin-01", "一号店") + row("solo-01", "単独店") + row("twin-01", "二号店"))

	for line, other := range map[int]string{2: "also on line 4)", 4: "also on line 2)"} {
		r := report.rows[line-2]
		if r.Line != line || r.Status != importer.StatusInvalid || !strings.Contains(r.Error, other) {
			t.Errorf("line %d: %+v, want invalid saying %q", line, r, other)
		}
	}
	if n := h.mutations()[orgsim.OpCreateShop]; n != 1 {
		t.Errorf("%d createShop sent, want 1 (only the unique row)", n)
	}
}

// An id on every line of a large file: each row names a few of the other lines and counts the
// rest, so that the report and the errors CSV grow with the rows, not with their square.
func TestAnIDOnManyLinesNamesAFewOfThem(t *testing.T) {
	const rows = 10_000
	var in strings.Builder
	in.WriteString(header)
	for i := range rows {
		in.WriteString(row("same-01", fmt.Sprintf("店%d", i)))
	}
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	want := map[string]map[int]string{
		"en": {2: "also on lines 3, 4, 5 and 9,996 more", 4: "also on lines 2, 3, 5 and 9,996 more", 5000: "also on lines 2, 3, 4 and 9,996 more"},
		"ja": {2: "3, 4, 5 行目ほか 9,996 行にもあります", 5000: "2, 3, 4 行目ほか 9,996 行にもあります"},
	}
	for lang, named := range want {
		job, report := h.job(in.String(), true)
		job.Lang = lang
		h.runJob(job, report)
		if len(report.rows) != rows {
			t.Fatalf("%s: %d rows reported, want %d", lang, len(report.rows), rows)
		}
		for _, r := range report.rows {
			if n := utf8.RuneCountInString(r.Error); r.Status != importer.StatusInvalid || n > 160 {
				t.Fatalf("%s: line %d is %s with an error of %d characters, want invalid and at most 160: %.300q", lang, r.Line, r.Status, n, r.Error)
			}
		}
		for line, lines := range named {
			if r := report.rows[line-2]; !strings.Contains(r.Error, lines) {
				t.Errorf("%s: line %d says %q, want %q", lang, line, r.Error, lines)
			}
		}
	}
}

func TestRateLimitOnTheRequestLog(t *testing.T) {
	const rate, burst = 10, 2
	h := newHarness(t, orgsim.Config{}, rate, burst)
	var csv strings.Builder
	csv.WriteString(header)
	for i := range 12 {
		csv.WriteString(row(fmt.Sprintf("store-%02d", i), fmt.Sprintf("店%d", i)))
	}
	report := h.run(csv.String())
	if report.summary.Count(importer.StatusCreated) != 12 {
		t.Fatalf("summary %s", report.summary.Line())
	}
	log := h.sim.Log()
	if worst := orgsim.BusiestSecond(log); worst > rate+burst {
		t.Errorf("%d requests within one second; the limit is %d + burst %d", worst, rate, burst)
	}
	if len(log) < 25 {
		t.Errorf("only %d requests logged for 12 rows; the measurement proves nothing", len(log))
	}
}

func TestRefusedTokenMidRunStopsTheRun(t *testing.T) {
	h := newHarness(t, orgsim.Config{Faults: orgsim.Faults{Rules: []orgsim.Rule{
		{Op: orgsim.OpCreateShop, Pattern: "^DENY", Action: orgsim.CodePermissionDenied},
	}}}, 1000, 10)
	report := h.run(header + row("ok-01", "一") + row("deny-01", "DENY") + row("later-01", "三") + row("bad id", "x"))

	report.expect(t, map[string]importer.Status{
		"ok-01": importer.StatusCreated, "deny-01": importer.StatusFailed,
		"later-01": importer.StatusNotAttempted, "bad id": importer.StatusInvalid,
	})
	if report.summary.StopReason == "" {
		t.Error("the summary must say why the run stopped")
	}
}

func (c *collected) expect(t *testing.T, want map[string]importer.Status) {
	t.Helper()
	for id, status := range want {
		if got := c.status(id).Status; got != status {
			t.Errorf("%s: %s, want %s", id, got, status)
		}
	}
}

// A platform that starts redirecting mid-run (moved, say) processed nothing: the row failed and
// left nothing behind, and the run stops, since every further row would be redirected too.
func TestRedirectMidRunFailsTheRowAndStopsTheRun(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	platform := h.sim.Handler()
	h.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if bytes.Contains(body, []byte("MOVED")) {
			http.Redirect(w, r, "/moved/graphql", http.StatusTemporaryRedirect)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		platform.ServeHTTP(w, r)
	}), 1000, 10)
	report := h.run(header + row("ok-01", "一") + row("moved-01", "MOVED") + row("later-01", "三"))

	report.expect(t, map[string]importer.Status{
		"ok-01": importer.StatusCreated, "moved-01": importer.StatusFailed, "later-01": importer.StatusNotAttempted,
	})
	if moved := report.status("moved-01").Error; !strings.Contains(moved, "/moved/graphql") {
		t.Errorf("moved-01's error %q should name where the redirect pointed", moved)
	}
	if !strings.Contains(report.summary.StopReason, "--endpoint") {
		t.Errorf("stop reason %q should say to fix --endpoint", report.summary.StopReason)
	}
	if got := h.mutations()[orgsim.OpCreateShop]; got != 1 {
		t.Errorf("the platform got %d createShop, want only ok-01's", got)
	}
}

func TestUnansweringPlatformStopsAfterSeveralRows(t *testing.T) {
	h := newHarness(t, orgsim.Config{Faults: orgsim.Faults{Rules: []orgsim.Rule{
		{Op: orgsim.OpCreateShop, Pattern: ".", Action: orgsim.Action503},
	}}}, 1000, 10)
	var csv strings.Builder
	csv.WriteString(header)
	for i := range 6 {
		csv.WriteString(row(fmt.Sprintf("store-%02d", i), "店"))
	}
	report := h.run(csv.String())
	if got := report.summary.Count(importer.StatusNotAttempted); got != 3 {
		t.Errorf("%s: want 3 not_attempted after 3 unanswered rows", report.summary.Line())
	}
	// 503 before processing is still "proves nothing" under the contract: a shop may exist.
	if got := report.summary.Count(importer.StatusNeedsAttention); got != 3 {
		t.Errorf("%s: want the 3 unanswered creates as needs_attention", report.summary.Line())
	}
}

func TestStopLeavesTheRestNotAttempted(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	job, report := h.job(header+row("a-01", "一")+row("b-01", "二"), false)
	stop := make(chan struct{})
	close(stop)
	job.Stop = stop
	h.runJob(job, report)
	if got := report.summary.Count(importer.StatusNotAttempted); got != 2 {
		t.Errorf("%s, want 2 not_attempted", report.summary.Line())
	}
	if len(h.sim.Log()) != 1 {
		t.Errorf("%d requests after a stop before the first row; want only the organization check", len(h.sim.Log()))
	}
}

func TestDryRunWritesNothingAndSendsNoMutation(t *testing.T) {
	h := newHarness(t, orgsim.Config{Organizations: []orgsim.Org{{ID: testOrg, Name: "Acme", ShopLimit: 2}}}, 1000, 10)
	h.run(header + row("old-01", "既存店"))
	before := h.snapshot()
	ro, err := storedb.OpenReadOnly(context.Background(), h.store.Location, "")
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	job, report := h.job(header+row("old-01", "既存店")+row("new-01", "新店")+row("over-01", "上限超え"), true)
	job.Stores, job.Lookup = nil, ro
	mutationsBefore := h.mutations()
	h.runJob(job, report)

	want := map[string]importer.Status{"old-01": importer.StatusWouldSkip, "new-01": importer.StatusWouldCreate, "over-01": importer.StatusInvalid}
	for id, status := range want {
		if got := report.status(id).Status; got != status {
			t.Errorf("%s: %s, want %s", id, got, status)
		}
	}
	if fmt.Sprint(h.mutations()) != fmt.Sprint(mutationsBefore) {
		t.Errorf("the dry run sent mutations: %v then %v", mutationsBefore, h.mutations())
	}
	if after := h.snapshot(); after != before {
		t.Errorf("the dry run changed the database: %s\nthen %s", before, after)
	}
}

func TestConcurrentWorkersKeepFileOrderAndTheLimit(t *testing.T) {
	const rate, burst, rows = 40, 2, 30
	h := newHarness(t, orgsim.Config{Faults: orgsim.Faults{Latency: 40 * time.Millisecond}}, rate, burst)
	var csv strings.Builder
	csv.WriteString(header)
	for i := range rows {
		csv.WriteString(row(fmt.Sprintf("store-%02d", i), fmt.Sprintf("店%02d", i)))
	}
	csv.WriteString(row("store-07", "重複"))
	job, report := h.job(csv.String(), false)
	job.Concurrency = 4
	h.runJob(job, report)

	for i, r := range report.rows {
		if r.Line != i+2 {
			t.Fatalf("report row %d is line %d: the report must stay in file order", i, r.Line)
		}
	}
	if got := report.summary.Count(importer.StatusCreated); got != rows-1 {
		t.Errorf("%s, want %d created (store-07 is on two lines)", report.summary.Line(), rows-1)
	}
	if live := h.liveShops(); len(live) != rows-1 {
		t.Errorf("%d live shops, want %d", len(live), rows-1)
	}
	log := h.sim.Log()
	if n := orgsim.BusiestSecond(log); n > rate+burst {
		t.Fatalf("%d requests within one second with 4 workers; the limit is %d + burst %d", n, rate, burst)
	}
	// Each store's own steps stay in order: its createShop before its assign.
	created := map[string]bool{}
	assigns := 0
	for _, e := range log {
		if stem, isCreate := strings.CutSuffix(e.IdempotencyKey, "-create"); isCreate {
			created[stem] = true
		} else if stem, _, isAssign := strings.Cut(e.IdempotencyKey, "-assign"); isAssign {
			assigns++
			if !created[stem] {
				t.Errorf("assign %s reached the platform before its createShop", e.IdempotencyKey)
			}
		}
	}
	if assigns != rows-1 {
		t.Errorf("%d assigns in the log, want %d", assigns, rows-1)
	}
}

// snapshot is every row of the tables an import writes, as text, to tell whether anything changed.
func (h *harness) snapshot() string {
	h.t.Helper()
	var all strings.Builder
	for _, table := range []string{"organizations", "organization_caches", "stores", "store_caches", "import_runs", "import_rows", "organization_locks"} {
		rows, err := h.store.SQL.Query(`SELECT * FROM ` + table + ` ORDER BY 1`)
		if err != nil {
			h.t.Fatal(err)
		}
		columns, _ := rows.Columns()
		for rows.Next() {
			cells := make([]any, len(columns))
			for i := range cells {
				cells[i] = new(any)
			}
			if err := rows.Scan(cells...); err != nil {
				h.t.Fatal(err)
			}
			fmt.Fprint(&all, table)
			for _, cell := range cells {
				fmt.Fprintf(&all, " %v", *cell.(*any))
			}
			fmt.Fprintln(&all)
		}
		rows.Close()
	}
	return all.String()
}
