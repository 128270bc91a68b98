package browser

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestALargeFileIsShownPageByPage(t *testing.T) {
	t.Parallel()
	pageURL, tab := serve(t, "--org", org), japanese(t)
	// Every third row's phone number is wrong, so that the invalid rows are on every page.
	var csv strings.Builder
	csv.WriteString("public_id,name,location,industry,phone\n")
	for i := range 250 {
		phone := "03-1234-5678"
		if i%3 == 0 {
			phone = "03-12"
		}
		fmt.Fprintf(&csv, "store-%03d,Store %d,Tokyo,restaurant,%s\n", i, i, phone)
	}
	file := tempFile(t, "large.csv", csv.String())
	check(t, tab, pageURL, file, http.StatusOK)
	var pages int
	if _, err := fmt.Sscanf(tab.Text("#page-info"), "1 / %d", &pages); err != nil || pages < 2 {
		t.Fatalf("#page-info says %q for 250 rows, want 1 / N with N > 1 (%v)", tab.Text("#page-info"), err)
	}
	if tab.Count("a#prev-page") != 0 {
		t.Error("the first page has a#prev-page")
	}
	tab.Load(chromedp.Click(chromedp.CSS("a#next-page")))
	if got, want := tab.Text("#page-info"), fmt.Sprintf("2 / %d", pages); got != want {
		t.Errorf("after a#next-page, #page-info says %q, want %q", got, want)
	}
	tab.Load(chromedp.Click(chromedp.CSS("a#prev-page")))
	if got, want := tab.Text("#page-info"), fmt.Sprintf("1 / %d", pages); got != want {
		t.Errorf("after a#prev-page, #page-info says %q, want %q", got, want)
	}
	// Over all the pages, every line once, as the command line has it.
	want := validate(t, "ja", file)
	sameVerdicts(t, tab, want)
	sameCounts(t, tab, want)
	tab.CheckBehaved()
}
