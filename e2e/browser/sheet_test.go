package browser

import (
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	chromium "github.com/acme/storeimport/internal/browser"
)

func TestAWorkbookWithTwoStoreSheetsAsksWhichOne(t *testing.T) {
	t.Parallel()
	pageURL, tab := serve(t, "--org", org), japanese(t)
	file := twoSheets(t)
	check(t, tab, pageURL, file, http.StatusUnprocessableEntity)
	if shown, want := texts(tab, "#file-error"), refusal(t, "ja", file); !slices.Contains(shown, want) {
		t.Errorf("#file-error says\n%q, validate says\n%q", shown, want)
	}
	sheets := chromium.Run(tab, chromedp.Evaluate[[]string](`[...document.querySelectorAll("select#sheet option")].map(o => o.value)`))
	if !slices.Equal(sheets, []string{"東京", "大阪"}) {
		t.Fatalf("select#sheet offers %q, want the workbook's two sheets", sheets)
	}

	// The person picks a sheet and the file again, on the page that asked.
	tab.Do(chromedp.SetValue(chromedp.CSS("select#sheet"), "大阪"))
	tab.Upload("#file", file)
	answered(t, tab, file, http.StatusOK)
	want := validate(t, "ja", file, "--sheet", "大阪")
	sameVerdicts(t, tab, want)
	sameCounts(t, tab, want)
	tab.CheckBehaved()
}

// twoSheets writes a workbook with a list of stores on each of two sheets, so that neither is
// the obvious one; 大阪's second row is invalid.
func twoSheets(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	header := []any{"public_id", "name", "location", "industry", "phone"}
	sheets := map[string][][]any{
		"東京": {header, {"shibuya-01", "渋谷店", "東京都渋谷区", "restaurant", "03-1234-5678"}},
		"大阪": {header, {"umeda-01", "梅田店", "大阪府大阪市", "restaurant", "06-1234-5678"},
			{"namba-01", "難波店", "大阪府大阪市", "cafe", "06-1234-0000"}},
	}
	if err := f.SetSheetName("Sheet1", "東京"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("大阪"); err != nil {
		t.Fatal(err)
	}
	for name, rows := range sheets {
		for i, row := range rows {
			if err := f.SetSheetRow(name, fmt.Sprintf("A%d", i+1), &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	path := filepath.Join(t.TempDir(), "stores.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}
