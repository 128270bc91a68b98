package browser

import (
	"net/http"
	"strings"
	"testing"
)

// payload is what a merchant's cell could hold to run a script in a page that did not escape it.
const payload = `<img src=x onerror=alert(1)>`

func TestAValueThatLooksLikeHTMLShowsAsTextAndRunsNothing(t *testing.T) {
	t.Parallel()
	pageURL, tab := serve(t, "--org", org), japanese(t)
	// Line 2's public_id is refused, and its message quotes it; line 3's industry is.
	csv := "public_id,name,location,industry,phone\n" +
		payload + "," + payload + ",Tokyo,restaurant,\n" +
		"xss-03," + payload + "," + payload + "," + payload + ",\n"
	file := tempFile(t, "xss.csv", csv)
	check(t, tab, pageURL, file, http.StatusOK)
	want := validate(t, "ja", file)
	if !strings.Contains(want["2"].errors, payload) || !strings.Contains(want["3"].errors, payload) {
		t.Fatalf("validate's messages do not quote the value, so the page need not show it: %+v", want)
	}
	// The text is there, as the merchant wrote it...
	sameVerdicts(t, tab, want)
	// ...and no element came of it: none in the table, none anywhere with a handler.
	if n := tab.Count("table#rows img"); n != 0 {
		t.Errorf("%d img elements in table#rows", n)
	}
	if n := tab.Count("[onerror]"); n != 0 {
		t.Errorf("%d elements with an onerror attribute on the page", n)
	}
	// No dialog opened, and nothing was even blocked by the Content-Security-Policy.
	tab.CheckBehaved()
}
