package browser

import (
	"net/http"
	"strings"
	"testing"
)

func TestAShiftJISFileIsReadAsTheCommandLineReadsIt(t *testing.T) {
	pageURL, tab := serve(t, "--org", org), japanese(t)
	file := merchant + "sjis.csv"
	if status := check(t, tab, pageURL, file); status != http.StatusOK {
		t.Fatalf("checking %s: HTTP %d", file, status)
	}
	want := validate(t, "ja", file, "--encoding", "auto")
	sameVerdicts(t, tab, want)
	sameCounts(t, tab, want)
	if tab.Count("a#download-errors") != 0 {
		t.Error("a#download-errors is offered for a file with no invalid row")
	}
	noScriptRan(t, tab)
}

func TestAUTF16FileGetsTheCommandLinesFileError(t *testing.T) {
	pageURL, tab := serve(t, "--org", org), japanese(t)
	file := merchant + "utf16le.csv"
	if status := check(t, tab, pageURL, file); status != http.StatusUnprocessableEntity {
		t.Errorf("checking %s: HTTP %d, want 422", file, status)
	}
	if got, want := strings.TrimSpace(tab.Text("#file-error")), fileError(t, "ja", file); got != want {
		t.Errorf("#file-error says\n%q, validate says\n%q", got, want)
	}
	if n := tab.Count("table#rows"); n != 0 {
		t.Errorf("a file that cannot be read shows %d tables of rows", n)
	}
	noScriptRan(t, tab)
}
