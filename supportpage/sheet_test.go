package supportpage

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/internal/pagetest"
)

// twoSheets is a workbook with a store list on each of two sheets, so that neither is the obvious one.
func twoSheets(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	header := []any{"public_id", "name", "location", "industry", "phone"}
	f.SetSheetName("Sheet1", "東京")
	f.SetSheetRow("東京", "A1", &header)
	f.SetSheetRow("東京", "A2", &[]any{"shibuya-01", "渋谷店", "東京都渋谷区", "restaurant", "03-1234-5678"})
	if _, err := f.NewSheet("大阪"); err != nil {
		t.Fatal(err)
	}
	f.SetSheetRow("大阪", "A1", &header)
	f.SetSheetRow("大阪", "A2", &[]any{"umeda-01", "梅田店", "大阪府大阪市", "restaurant", "06-1234-5678"})
	f.SetSheetRow("大阪", "A3", &[]any{"namba-01", "難波店", "大阪府大阪市", "cafe", "06-1234-0000"})
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestAWorkbooksSheetIsAskedFor(t *testing.T) {
	p := startPage(t, Config{})
	book := twoSheets(t)
	resp, doc := p.client.Upload(p.client.CSRF(), "org_1", "stores.xlsx", book)
	want := (&importer.FileError{Code: importer.FileSeveralSheets, Names: []string{"東京", "大阪"}}).Render(importer.LangJA)
	if resp.StatusCode != http.StatusUnprocessableEntity || !bytes.HasSuffix([]byte(pagetest.TextOf(doc, "file-error")), []byte(want)) {
		t.Fatalf("two sheets: %s, #file-error %q, want 422 and %q", resp.Status, pagetest.TextOf(doc, "file-error"), want)
	}
	sheet := pagetest.ByID(doc, "sheet")
	if sheet == nil || pagetest.Text(sheet) != "東京大阪" {
		t.Fatalf("no select#sheet offering both sheets")
	}
	resp, doc = p.client.Upload(p.client.CSRF(), "org_1", "stores.xlsx", book, pagetest.Field{Name: "sheet", Value: "大阪"})
	if resp.StatusCode != http.StatusOK || pagetest.TextOf(doc, "count-would_create") != "1" || pagetest.TextOf(doc, "count-invalid") != "1" {
		t.Errorf("sheet 大阪: %s, would_create %q, invalid %q, want 1 and 1", resp.Status,
			pagetest.TextOf(doc, "count-would_create"), pagetest.TextOf(doc, "count-invalid"))
	}
	// A sheet chosen for a workbook does not apply to a CSV file.
	resp, _ = p.client.Upload(p.client.CSRF(), "org_1", "utf8.csv", merchantFile(t, "utf8.csv"), pagetest.Field{Name: "sheet", Value: "大阪"})
	if resp.StatusCode != http.StatusOK {
		t.Errorf("a CSV with a sheet: %s", resp.Status)
	}
}
