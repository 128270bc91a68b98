package importer_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgsim"
)

// leftBehind journals an attempt as a killed run would have left it, in state, with key.
func (h *harness) leftBehind(publicID, name, state, key, shopID string) {
	h.t.Helper()
	ctx := context.Background()
	run, err := h.db.StartRun(ctx, testOrg, "earlier.csv", time.Now())
	if err != nil {
		h.t.Fatal(err)
	}
	e := &importer.Entry{
		RunID: run, OrganizationID: testOrg, Line: 2, Key: key, State: "creating", TokenFingerprint: h.fingerprint(h.client),
		Store: importer.Store{PublicID: publicID, Name: name, Location: "東京都渋谷区1-1", Industry: "restaurant", Phone: "03-1234-5678"},
	}
	if err := h.db.Begin(ctx, e, time.Now()); err != nil {
		h.t.Fatal(err)
	}
	if state != "creating" || shopID != "" {
		e.State, e.ShopID = state, shopID
		if err := h.db.Record(ctx, e, "creating", time.Now()); err != nil {
			h.t.Fatal(err)
		}
	}
}

func (h *harness) saveOrg() {
	h.t.Helper()
	org, err := h.client.Organization(context.Background(), testOrg)
	if err != nil {
		h.t.Fatal(err)
	}
	if err := h.db.SaveOrganization(context.Background(), org, time.Now()); err != nil {
		h.t.Fatal(err)
	}
}

func TestRecoveryReplaysAnInDoubtCreate(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	h.saveOrg()
	// The earlier run journaled its intent and the platform committed createShop, but the run
	// died before it could record the answer.
	made, err := h.client.CreateShop(context.Background(), "stem-1-create", testOrg, "渋谷店", "東京都渋谷区1-1")
	if err != nil {
		t.Fatal(err)
	}
	h.leftBehind("shibuya-01", "渋谷店", "creating", "stem-1", "")

	report := h.run(header + row("shibuya-01", "渋谷店"))

	if r := report.status("shibuya-01"); r.Status != importer.StatusSkipped || r.ShopID != made.ID {
		t.Errorf("row: %+v, want skipped with the replayed shop %s", r, made.ID)
	}
	if live := h.liveShops(); len(live) != 1 || live[0].ID != made.ID || len(live[0].Services) != 1 {
		t.Errorf("live shops %+v, want exactly the one shop, with RESERVATION", live)
	}
	replayed := false
	for _, e := range h.sim.Log() {
		replayed = replayed || (e.Operation == orgsim.OpCreateShop && e.Replayed)
	}
	if !replayed {
		t.Error("recovery did not replay createShop with the journaled key")
	}
}

func TestRecoveryFinishesAnAssignedShop(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	h.saveOrg()
	ctx := context.Background()
	shop, _ := h.client.CreateShop(ctx, "stem-2-create", testOrg, "新宿店", "東京都渋谷区1-1")
	h.client.AssignReservation(ctx, "stem-2-assign", testOrg, shop.ID)
	h.leftBehind("shinjuku-01", "新宿店", "assigned", "stem-2", shop.ID)
	before := h.mutations()

	report := h.run(header + row("shinjuku-01", "新宿店"))

	if r := report.status("shinjuku-01"); r.Status != importer.StatusSkipped || r.ShopID != shop.ID {
		t.Errorf("row: %+v, want skipped, linked to %s", r, shop.ID)
	}
	if h.localStores()["shinjuku-01"] != shop.ID {
		t.Error("recovery did not store the assigned shop locally")
	}
	if after := h.mutations(); after[orgsim.OpCreateShop] != before[orgsim.OpCreateShop] || after[orgsim.OpDeleteShop] != 0 {
		t.Errorf("recovery of an assigned shop sent mutations: %v then %v", before, after)
	}
}

func TestRecoveryRetriesAPendingCompensation(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	h.saveOrg()
	shop, _ := h.client.CreateShop(context.Background(), "stem-3-create", testOrg, "上野店", "東京都渋谷区1-1")
	h.leftBehind("ueno-01", "上野店", "needs_attention", "stem-3", shop.ID)

	report := h.run(header + row("ueno-01", "上野店"))

	// The old shop is deleted, then the row is imported afresh with a new key.
	r := report.status("ueno-01")
	if r.Status != importer.StatusCreated || r.ShopID == shop.ID {
		t.Errorf("row: %+v, want created with a new shop", r)
	}
	live := h.liveShops()
	if len(live) != 1 || live[0].ID == shop.ID {
		t.Errorf("live shops %+v, want only the new one", live)
	}
}

func TestUnsettledRowNotInTheFileIsReported(t *testing.T) {
	h := newHarness(t, orgsim.Config{Faults: orgsim.Faults{Rules: []orgsim.Rule{
		{Op: orgsim.OpDeleteShop, Pattern: "^STUCK", Action: orgsim.Action503},
	}}}, 1000, 10)
	h.saveOrg()
	shop, _ := h.client.CreateShop(context.Background(), "stem-4-create", testOrg, "STUCK", "東京都渋谷区1-1")
	h.leftBehind("stuck-01", "STUCK", "compensating", "stem-4", shop.ID)

	report := h.run(header + row("other-01", "別の店"))

	if len(report.summary.Earlier) != 1 {
		t.Fatalf("earlier rows: %+v, want the stuck one", report.summary.Earlier)
	}
	if e := report.summary.Earlier[0]; e.PublicID != "stuck-01" || e.Status != importer.StatusNeedsAttention || e.ShopID != shop.ID {
		t.Errorf("earlier row: %+v", e)
	}
	if report.summary.Count(importer.StatusNeedsAttention) != 1 {
		t.Error("an earlier row that needs attention must count, so the exit code says so")
	}
}

func TestReplayStillInDoubtStaysNeedsAttention(t *testing.T) {
	h := newHarness(t, orgsim.Config{Faults: orgsim.Faults{Rules: []orgsim.Rule{
		{Op: orgsim.OpCreateShop, Pattern: "^DOWN", Action: orgsim.Action503},
	}}}, 1000, 10)
	h.saveOrg()
	h.leftBehind("down-01", "DOWN店", "needs_attention", "stem-5", "")

	report := h.run(header + row("down-01", "DOWN店"))

	r := report.status("down-01")
	if r.Status != importer.StatusNeedsAttention || r.ShopID != "" {
		t.Errorf("row: %+v, want still needs_attention", r)
	}
	if open, _ := h.db.Unsettled(context.Background(), testOrg); len(open) != 1 || open[0].State != "needs_attention" {
		t.Errorf("journal: %+v, want the attempt still open", open)
	}
}

// inDoubtSince30Hours journals a createShop first sent 30 hours ago, which a later run recorded
// as in doubt an hour ago: its key is older than the platform keeps answers.
func (h *harness) inDoubtSince30Hours(publicID, name, key string) {
	h.t.Helper()
	ctx := context.Background()
	run, _ := h.db.StartRun(ctx, testOrg, "old.csv", time.Now())
	e := &importer.Entry{RunID: run, OrganizationID: testOrg, Line: 2, Key: key, State: "creating",
		Store: importer.Store{PublicID: publicID, Name: name, Location: "東京都渋谷区1-1", Industry: "restaurant", Phone: "03-1234-5678"}}
	if err := h.db.Begin(ctx, e, time.Now().Add(-30*time.Hour)); err != nil {
		h.t.Fatal(err)
	}
	e.State = "needs_attention"
	if err := h.db.Record(ctx, e, "creating", time.Now().Add(-time.Hour)); err != nil {
		h.t.Fatal(err)
	}
}

func TestKeyOlderThanADayIsNotReplayed(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	h.saveOrg()
	h.inDoubtSince30Hours("old-01", "古い店", "stem-6")

	report := h.run(header + row("old-01", "古い店"))

	if r := report.status("old-01"); r.Status != importer.StatusNeedsAttention {
		t.Errorf("row: %+v, want needs_attention", r)
	}
	if n := h.mutations()[orgsim.OpCreateShop]; n != 0 {
		t.Errorf("%d createShop sent with a key the platform no longer keeps", n)
	}
}

// madeThenKilled leaves what a run killed right after createShop committed leaves: a shop on the
// platform, and its attempt journaled as creating with no shop id.
func (h *harness) madeThenKilled(publicID, name, key string) string {
	h.t.Helper()
	made, err := h.client.CreateShop(context.Background(), key+"-create", testOrg, name, "東京都渋谷区1-1")
	if err != nil {
		h.t.Fatal(err)
	}
	h.leftBehind(publicID, name, "creating", key, "")
	return made.ID
}

// A refusal of a replay says nothing of the request it replays: the row stays in doubt, however
// the platform refuses, until an answer carries the shop. A 429 comes before the platform looks at
// the key, so the first request's shop exists and a later replay gets it. PERMISSION_DENIED comes
// from the simulator's resolver, which a kept answer never reaches, so there the first request
// made nothing; the run cannot know that, and as the platform keeps the refusal for the key, the
// row stays in doubt until a person settles it.
func TestReplayRefusedWithoutProcessingStaysInDoubt(t *testing.T) {
	for _, tc := range []struct {
		action string
		made   bool
	}{{orgsim.Action429, true}, {orgsim.CodePermissionDenied, false}} {
		t.Run(tc.action, func(t *testing.T) {
			h := newHarness(t, orgsim.Config{}, 1000, 10)
			h.saveOrg()
			if tc.made {
				h.madeThenKilled("refused-01", "REFUSED店", "stem-refused")
			} else {
				h.leftBehind("refused-01", "REFUSED店", "creating", "stem-refused", "")
			}
			if err := h.sim.SetFaults(orgsim.Faults{Rules: []orgsim.Rule{{Op: orgsim.OpCreateShop, Pattern: "^REFUSED", Action: tc.action}}}); err != nil {
				t.Fatal(err)
			}

			report := h.run(header + row("refused-01", "REFUSED店"))

			if r := report.status("refused-01"); r.Status != importer.StatusNeedsAttention {
				t.Fatalf("row: %+v, want needs_attention: the first request may have made a shop", r)
			}
			if open, _ := h.db.Unsettled(context.Background(), testOrg); len(open) != 1 {
				t.Fatalf("journal: %+v, want the attempt still open", open)
			}
			h.sim.SetFaults(orgsim.Faults{})
			again := h.run(header + row("refused-01", "REFUSED店"))
			want, shops := importer.StatusNeedsAttention, 0
			if tc.made {
				want, shops = importer.StatusSkipped, 1
			}
			if r := again.status("refused-01"); r.Status != want {
				t.Errorf("once the fault is gone: %+v, want %s", r, want)
			}
			if live := h.liveShops(); len(live) != shops {
				t.Errorf("%d live shops, want %d", len(live), shops)
			}
		})
	}
}

// Only an answer about the request itself settles it as never made: a business refusal.
func TestReplayRefusedByTheRulesFails(t *testing.T) {
	h := newHarness(t, orgsim.Config{Faults: orgsim.Faults{Rules: []orgsim.Rule{
		{Op: orgsim.OpCreateShop, Pattern: "^BAD", Action: orgsim.CodeInvalidInput},
	}}}, 1000, 10)
	h.saveOrg()
	h.leftBehind("bad-01", "BAD店", "creating", "stem-bad", "")

	report := h.run(header + row("bad-01", "BAD店"))

	if r := report.status("bad-01"); r.Status != importer.StatusFailed {
		t.Errorf("row: %+v, want failed: the platform refused the very request", r)
	}
	if open, _ := h.db.Unsettled(context.Background(), testOrg); len(open) != 0 {
		t.Errorf("journal: %+v, want the attempt closed", open)
	}
}

// Idempotency keys belong to a token: a replay with another one would be a new request.
func TestAttemptInDoubtIsReplayedOnlyWithItsOwnToken(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	h.saveOrg()
	shopID := h.madeThenKilled("rotated-01", "回転店", "stem-rotated")
	other := h.anotherClient("rotated-token")

	job, report := h.job(header+row("rotated-01", "回転店"), false)
	job.Platform, job.TokenFingerprint = other, h.fingerprint(other)
	h.runJob(job, report)

	r := report.status("rotated-01")
	if r.Status != importer.StatusNeedsAttention || !strings.Contains(r.Error, h.fingerprint(h.client)) {
		t.Errorf("row: %+v, want needs_attention naming the fingerprint of the token that sent it", r)
	}
	if n := h.mutations()[orgsim.OpCreateShop]; n != 1 {
		t.Errorf("%d createShop sent in all, want only the first run's", n)
	}
	again := h.run(header + row("rotated-01", "回転店"))
	if r := again.status("rotated-01"); r.Status != importer.StatusSkipped || r.ShopID != shopID {
		t.Errorf("with the token that sent it: %+v, want skipped with shop %s", r, shopID)
	}
	if live := h.liveShops(); len(live) != 1 {
		t.Errorf("%d live shops, want exactly one", len(live))
	}
}

// The file was edited between runs: recovery finishes the attempt with the values it sent, and the
// row, reported skipped, says that the file now differs.
func TestRowEditedSinceAnEarlierAttemptSaysItDiffers(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	h.saveOrg()
	h.madeThenKilled("edited-01", "旧店名", "stem-edited")

	report := h.run(header + row("edited-01", "新店名"))

	r := report.status("edited-01")
	if r.Status != importer.StatusSkipped || !strings.Contains(r.Error, "name") {
		t.Errorf("row: %+v, want skipped, saying the name differs", r)
	}
	if live := h.liveShops(); len(live) != 1 || live[0].Name != "旧店名" {
		t.Errorf("live shops %+v, want the one made with the journaled name", live)
	}
	if again := h.run(header + row("edited-01", "旧店名")); again.status("edited-01").Error != "" {
		t.Errorf("a row as imported: %+v, want skipped with nothing to say", again.status("edited-01"))
	}
}
