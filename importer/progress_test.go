package importer_test

import (
	"testing"
	"time"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgsim"
)

// beginning records what the run said it would do, and the mutations the platform had seen then.
type beginning struct {
	h         *harness
	outlook   *importer.Outlook
	mutations int
}

func (b *beginning) Begin(o importer.Outlook) {
	b.outlook = &o
	for _, n := range b.h.mutations() {
		b.mutations += n
	}
}
func (b *beginning) Row(importer.Result)   {}
func (b *beginning) End(*importer.Summary) {}

// The outlook is told before the first mutation, settling included, and counts rows as the run
// will report them: an id another organization has is invalid, an unfinished attempt is neither
// to create nor already imported, and one too old to replay costs no request.
func TestOutlookBeforeAnyMutation(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	h.saveOrg()
	stamp := time.Now().UTC().Format(time.RFC3339Nano)
	h.store.Exec(t, `INSERT INTO organizations (platform_org_id, name, created_at, updated_at) VALUES ('org_other', 'Other', ?, ?)`, stamp, stamp)
	h.store.Exec(t, `INSERT INTO stores (organization_id, public_id, platform_shop_id, name, location, industry, created_at, updated_at)
		SELECT id, 'taken-01', 'shop_other', '他社店', '大阪', 'clinic', ?, ? FROM organizations WHERE platform_org_id = 'org_other'`, stamp, stamp)
	h.leftBehind("shibuya-01", "渋谷店", "creating", "stem-7", "") // died before sending createShop
	h.inDoubtSince30Hours("old-01", "古い店", "stem-8")            // settling it sends nothing
	before := 0
	for _, n := range h.mutations() {
		before += n
	}
	job, report := h.job(header+row("shibuya-01", "渋谷店")+row("taken-01", "他社店")+row("new-01", "新店")+row("Bad ID", "店")+row("old-01", "古い店"), false)
	progress := &beginning{h: h}
	job.Progress = progress

	h.runJob(job, report)

	want := importer.Outlook{Rows: 5, Counted: true, Create: 1, Invalid: 2, Unfinished: 2, Requests: 3}
	if progress.outlook == nil || *progress.outlook != want {
		t.Errorf("outlook %+v, want %+v", progress.outlook, want)
	}
	if progress.mutations != before {
		t.Errorf("the platform had seen %d mutations at the outlook, %d before the run", progress.mutations, before)
	}
	for id, status := range map[string]importer.Status{"shibuya-01": importer.StatusSkipped, "taken-01": importer.StatusInvalid, "new-01": importer.StatusCreated, "old-01": importer.StatusNeedsAttention} {
		if r := report.status(id); r.Status != status {
			t.Errorf("%s: %+v, want %s", id, r, status)
		}
	}
}
