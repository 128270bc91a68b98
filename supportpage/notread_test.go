package supportpage

import (
	"net/http"
	"strings"
	"testing"

	"github.com/acme/storeimport/internal/pagetest"
)

// A column the template does not have is not read: the result page and its reply say so, in the
// check's language, or the merchant's phone numbers under "TEL" would be lost without a word.
func TestCheckShowsTheColumnsNotRead(t *testing.T) {
	p := startPage(t, Config{})
	p.client.Get("/?lang=en")
	resp, doc := p.client.Upload(p.client.CSRF(), "org_1", "extra_column.csv", merchantFile(t, "extra_column.csv"))
	if resp.StatusCode != http.StatusOK || pagetest.TextOf(doc, "count-would_create") != "2" {
		t.Fatalf("check: %s, %q would_create", resp.Status, pagetest.TextOf(doc, "count-would_create"))
	}
	list := pagetest.ByID(doc, "warnings")
	if list == nil {
		t.Fatal("no #warnings")
	}
	if got, want := pagetest.Text(list), `unknown column "備考" is ignored; the columns are public_id,name,location,industry,phone`+
		`unknown column "TEL" is ignored; the columns are public_id,name,location,industry,phone`; got != want {
		t.Errorf("#warnings: %q, want %q", got, want)
	}
	reply := pagetest.TextOf(doc, "reply")
	if !strings.Contains(reply, "- the column \"TEL\"\n") || strings.Contains(reply, "all 2 rows are fine") {
		t.Errorf("the reply does not name the column TEL, or says all is well:\n%s", reply)
	}
}
