package browser

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestAFileOverTheCapIsRefusedNamingTheCap(t *testing.T) {
	t.Parallel()
	pageURL, tab := serve(t, "--org", org, "--max-upload", "2KiB"), japanese(t)
	// Valid rows, ten times the cap: only its size is wrong.
	var rows strings.Builder
	rows.WriteString("public_id,name,location,industry,phone\n")
	for i := 0; rows.Len() < 20*1024; i++ {
		fmt.Fprintf(&rows, "store-%05d,Store %d,Tokyo,restaurant,03-1234-5678\n", i, i)
	}
	file := tempFile(t, "big.csv", rows.String())
	check(t, tab, pageURL, file, http.StatusRequestEntityTooLarge)
	// The cap as a person reads it; which of its spellings the page uses is its own choice.
	said := tab.Text("#too-large")
	if !strings.Contains(said, "2 KiB") && !strings.Contains(said, "2KiB") && !strings.Contains(said, "2.0 KiB") &&
		!strings.Contains(said, "2048") && !strings.Contains(said, "2,048") {
		t.Errorf("#too-large says %q, which does not name the 2 KiB cap", said)
	}
	tab.CheckBehaved()
}
