package browser

import (
	"net/http"
	"slices"
	"testing"
)

func TestAShiftJISFileIsReadAsTheCommandLineReadsIt(t *testing.T) {
	t.Parallel()
	pageURL, tab := serve(t, "--org", org), japanese(t)
	file := merchant + "sjis.csv"
	// Dropped on the page, as from the desktop where the merchant's mail put it.
	checkDropped(t, tab, pageURL, file, http.StatusOK)
	want := validate(t, "ja", file, "--encoding", "auto")
	sameVerdicts(t, tab, want)
	sameCounts(t, tab, want)
	if tab.Count("a#download-errors") != 0 {
		t.Error("a#download-errors is offered for a file with no invalid row")
	}
	tab.CheckBehaved()
}

func TestAUTF16FileGetsTheCommandLinesFileError(t *testing.T) {
	t.Parallel()
	pageURL, tab := serve(t, "--org", org), japanese(t)
	file := merchant + "utf16le.csv"
	check(t, tab, pageURL, file, http.StatusUnprocessableEntity)
	// The message may come under a heading of the page's own: it is one of #file-error's texts.
	if shown, want := texts(tab, "#file-error"), refusal(t, "ja", file); !slices.Contains(shown, want) {
		t.Errorf("#file-error says\n%q, validate says\n%q", shown, want)
	}
	if n := tab.Count("table#rows"); n != 0 {
		t.Errorf("a file that cannot be read shows %d tables of rows", n)
	}
	tab.CheckBehaved()
}
