package supportpage

import (
	"net/http"
	"testing"

	"github.com/acme/storeimport/internal/pagetest"
)

// TestTwoPagesOnOneHostKeepTheirSessions: cookies do not tell ports apart, so each page's session
// cookie has a name of its own.
func TestTwoPagesOnOneHostKeepTheirSessions(t *testing.T) {
	a, b := startPage(t, Config{}), startPage(t, Config{})
	onA := a.client
	onB := pagetest.NewBrowser(t, b.url)
	onB.Client = onA.Client // one browser, one cookie jar
	csrfA := onA.CSRF()
	csrfB := onB.CSRF()
	for _, page := range []struct {
		browser *pagetest.Browser
		csrf    string
	}{{onA, csrfA}, {onB, csrfB}} {
		if resp, _ := page.browser.Upload(page.csrf, "org_1", "utf8.csv", merchantFile(t, "utf8.csv")); resp.StatusCode != http.StatusOK {
			t.Errorf("a check on %s after both pages were opened: %s, want 200", page.browser.URL, resp.Status)
		}
	}
}
