package supportpage

import (
	"strings"
	"testing"

	"github.com/acme/storeimport/internal/pagetest"
	"golang.org/x/net/html"
)

// The jobs page says, in each language, the period its meta refresh reloads it at.
func TestJobsPageSaysItsRefreshPeriod(t *testing.T) {
	queue, _ := queuedJobs(t, "org_a")
	p := startPage(t, Config{Jobs: queue})
	for _, lang := range []string{"ja", "en"} {
		_, doc := p.client.Get("/jobs?org=org_a&lang=" + lang)
		metas := pagetest.FindAll(doc, func(n *html.Node) bool { return n.Data == "meta" && pagetest.Attr(n, "http-equiv") == "refresh" })
		if len(metas) != 1 {
			t.Fatalf("%s: %d meta refreshes, want 1", lang, len(metas))
		}
		period, said := pagetest.Attr(metas[0], "content"), pagetest.TextOf(doc, "jobs-refreshing")
		if period == "" || !strings.Contains(said, period+"秒") && !strings.Contains(said, "every "+period+" seconds") {
			t.Errorf("%s: the page reloads every %q seconds and says %q", lang, period, said)
		}
	}
}
