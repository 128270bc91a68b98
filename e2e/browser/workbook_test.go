package browser

import (
	"net/http"
	"testing"
)

func TestAWorkbookIsCheckedAndItsErrorsComeBackAsAWorkbook(t *testing.T) {
	t.Parallel()
	pageURL, tab := serve(t, "--org", org), japanese(t)
	// Phone numbers a spreadsheet turned into numbers and dates: each problem names its cell.
	file := merchant + "calc_typed_digits.xlsx"
	check(t, tab, pageURL, file, http.StatusOK)
	want := validate(t, "ja", file)
	sameVerdicts(t, tab, want)
	sameCounts(t, tab, want)

	sameErrorsFile(t, tab, file, "errors.xlsx")
	tab.CheckBehaved()
}
