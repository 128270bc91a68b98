package importer

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// openTemplateXLSX writes the workbook template with opts and opens it as a spreadsheet would.
func openTemplateXLSX(t *testing.T, opts TemplateOptions) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteTemplateXLSX(&buf, opts); err != nil {
		t.Fatalf("%+v: %v", opts, err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("%+v: the workbook does not open: %v", opts, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestTemplateXLSXSheets(t *testing.T) {
	for lang, want := range map[string][]string{LangEN: {"stores", "instructions"}, LangJA: {"店舗一覧", "記入方法"}} {
		f := openTemplateXLSX(t, TemplateOptions{Lang: lang})
		if got := f.GetSheetList(); !slices.Equal(got, want) {
			t.Errorf("%s: sheets %q, want %q", lang, got, want)
		}
		if f.GetActiveSheetIndex() != 0 {
			t.Errorf("%s: opens on sheet %d, not on the stores", lang, f.GetActiveSheetIndex())
		}
	}
}

func TestTemplateXLSXHeader(t *testing.T) {
	for lang, want := range map[string]string{LangEN: "public_id,name,location,industry,phone", LangJA: "店舗ID,店舗名,所在地,業種,電話番号"} {
		f := openTemplateXLSX(t, TemplateOptions{Lang: lang})
		rows, err := f.GetRows(f.GetSheetName(0))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || strings.Join(rows[0], ",") != want {
			t.Errorf("%s: rows %q, want the header %s alone", lang, rows, want)
		}
	}
}

// Every cell of every column, the header's and those a merchant types in, down to the last row
// a spreadsheet has, is text: a phone number typed there keeps its leading 0.
func TestTemplateXLSXEveryColumnIsText(t *testing.T) {
	f := openTemplateXLSX(t, TemplateOptions{Lang: LangJA, Example: true})
	sheet := f.GetSheetName(0)
	for i := range columns {
		for _, row := range []int{1, 2, 4, 5, 100, 10_000, excelize.TotalRows} {
			if format := numberFormat(t, f, sheet, cellName(i, row)); format != textFormat {
				t.Errorf("%s: number format %d, want %d (@, text)", cellName(i, row), format, textFormat)
			}
		}
	}
}

func numberFormat(t *testing.T, f *excelize.File, sheet, cell string) int {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	style, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return style.NumFmt
}

// The industry cells are a drop-down of exactly the values validate allows, refusing others.
func TestTemplateXLSXIndustryDropDown(t *testing.T) {
	f := openTemplateXLSX(t, TemplateOptions{Lang: LangJA})
	industry := column(t, "industry")
	i := columnByKey["industry"]
	var lists []*excelize.DataValidation
	for _, dv := range dataValidations(t, f) {
		if dv.Type == "list" {
			lists = append(lists, dv)
		}
	}
	if len(lists) != 1 {
		t.Fatalf("%d drop-down lists, want one", len(lists))
	}
	dv := lists[0]
	if want := cellName(i, 2) + ":" + cellName(i, excelize.TotalRows); dv.Sqref != want {
		t.Errorf("the drop-down covers %s, want %s", dv.Sqref, want)
	}
	values, err := strconv.Unquote(dv.Formula1)
	if err != nil || !slices.Equal(strings.Split(values, ","), industry.OneOf) {
		t.Errorf("the drop-down offers %s, want %q", dv.Formula1, industry.OneOf)
	}
	if !dv.ShowErrorMessage || dv.Error == nil || *dv.Error != industry.Rule(LangJA) {
		t.Errorf("a value not on the list is not refused with the rule: %+v", dv)
	}
}

func dataValidations(t *testing.T, f *excelize.File) []*excelize.DataValidation {
	t.Helper()
	dvs, err := f.GetDataValidations(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return dvs
}

// Each header cell, when selected, shows its column's rule: the same words validate's messages use.
func TestTemplateXLSXHeaderInputMessages(t *testing.T) {
	for _, lang := range []string{LangEN, LangJA} {
		f := openTemplateXLSX(t, TemplateOptions{Lang: lang})
		prompts := map[string]*excelize.DataValidation{}
		for _, dv := range dataValidations(t, f) {
			if dv.ShowInputMessage {
				prompts[dv.Sqref] = dv
			}
		}
		for i, c := range columns {
			dv := prompts[cellName(i, 1)]
			if dv == nil || dv.PromptTitle == nil || dv.Prompt == nil {
				t.Errorf("%s: header %s has no input message", lang, cellName(i, 1))
				continue
			}
			if *dv.PromptTitle != c.Header(lang) || *dv.Prompt != c.Rule(lang) {
				t.Errorf("%s: header %s says %q: %q, want %q: %q", lang, cellName(i, 1), *dv.PromptTitle, *dv.Prompt, c.Header(lang), c.Rule(lang))
			}
		}
		if len(prompts) != len(columns) {
			t.Errorf("%s: %d input messages, want one a header cell", lang, len(prompts))
		}
	}
}

func TestTemplateXLSXHeaderFrozen(t *testing.T) {
	f := openTemplateXLSX(t, TemplateOptions{})
	panes, err := f.GetPanes(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 || panes.TopLeftCell != "A2" {
		t.Errorf("panes %+v, want the first row frozen", panes)
	}
}

// A column is at least as wide as its header and samples, a Japanese character counting two.
func TestTemplateXLSXColumnWidths(t *testing.T) {
	for text, want := range map[string]int{"public_id": 9, "渋谷店": 6, "大阪府大阪市北区梅田2-4-9 梅田ビル3F": 14*2 + 8, "ｶﾌｪ①": 3 + 2} {
		if got := displayWidth(text); got != want {
			t.Errorf("displayWidth(%q) = %d, want %d", text, got, want)
		}
	}
	f := openTemplateXLSX(t, TemplateOptions{Lang: LangJA, Example: true})
	for i, c := range columns {
		w, err := f.GetColWidth(f.GetSheetName(0), columnName(i))
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range append([]string{c.Header(LangJA), c.Header(LangEN)}, c.Examples...) {
			if w < float64(displayWidth(text)) {
				t.Errorf("column %s is %.0f wide, %q needs %d", columnName(i), w, text, displayWidth(text))
			}
		}
	}
}

// --example puts the CSV template's sample rows under the header, as text.
func TestTemplateXLSXExampleRows(t *testing.T) {
	for _, example := range []bool{false, true} {
		opts := TemplateOptions{Lang: LangJA, Example: example}
		f := openTemplateXLSX(t, opts)
		rows, err := f.GetRows(f.GetSheetName(0))
		if err != nil {
			t.Fatal(err)
		}
		if want := templateRecords(opts); !slices.EqualFunc(rows, want, slices.Equal) {
			t.Errorf("example %v: rows %q, want %q", example, rows, want)
		}
		if !example {
			continue
		}
		for row := 2; row <= len(rows); row++ {
			for i := range columns {
				if kind, err := f.GetCellType(f.GetSheetName(0), cellName(i, row)); err != nil || (kind != excelize.CellTypeSharedString && kind != excelize.CellTypeInlineString) {
					t.Errorf("%s is not a text cell: %v %v", cellName(i, row), kind, err)
				}
			}
		}
	}
}

// The instructions sheet states each column's rule and what to send back, in the template's language.
func TestTemplateXLSXInstructions(t *testing.T) {
	for lang, want := range map[string][]string{
		LangEN: {"How to fill in", `"stores"`, "text (文字列)", "leading 0", "drop-down", "Rows 2 to 4 are samples", "send it back"},
		LangJA: {"記入方法", "「店舗一覧」シート", "「文字列」", "先頭の0", "ドロップダウン", "2～4行目は見本", "返送してください"},
	} {
		f := openTemplateXLSX(t, TemplateOptions{Lang: lang, Example: true})
		rows, err := f.GetRows(f.GetSheetName(1))
		if err != nil {
			t.Fatal(err)
		}
		var text strings.Builder
		for _, row := range rows {
			text.WriteString(strings.Join(row, "\t") + "\n")
		}
		for _, c := range columns {
			want = append(want, c.Header(lang)+"\t"+c.Rule(lang)+"\n")
		}
		for _, w := range want {
			if !strings.Contains(text.String(), w) {
				t.Errorf("%s: the instructions do not say %q:\n%s", lang, w, text.String())
			}
		}
	}
}

// A merchant fills in the template as a spreadsheet does, typing over the samples and below them,
// phone numbers without hyphens among them, and saves it: every cell reads back as the text typed,
// leading zeros and all. (Reading a workbook with validate is another step.)
func TestTemplateXLSXFilledInKeepsLeadingZeros(t *testing.T) {
	f := openTemplateXLSX(t, TemplateOptions{Lang: LangJA, Example: true})
	sheet := f.GetSheetName(0)
	typed := [][]string{
		{"kobe-01", "神戸店", "兵庫県神戸市中央区三宮町1-1-1", "restaurant", "0781234567"},
		{"meguro-01", "目黒ネイル", "東京都目黒区上目黒1-2-3", "beauty", "09012345678"},
		{"chiba-01", "千葉英会話スクール", "千葉県千葉市中央区富士見2-3-1", "school", "043-333-4444"},
	}
	for r, values := range typed {
		for i, v := range values {
			if err := f.SetCellStr(sheet, cellName(i, r+2), v); err != nil {
				t.Fatal(err)
			}
		}
	}
	saved, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	back, err := excelize.OpenReader(saved)
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	for r, values := range typed {
		for i, v := range values {
			cell := cellName(i, r+2)
			got, err := back.GetCellValue(sheet, cell)
			if err != nil || got != v {
				t.Errorf("%s reads back as %q (%v), typed %q", cell, got, err, v)
			}
			if kind, _ := back.GetCellType(sheet, cell); kind != excelize.CellTypeSharedString && kind != excelize.CellTypeInlineString {
				t.Errorf("%s is not a text cell: %v", cell, kind)
			}
			if format := numberFormat(t, back, sheet, cell); format != textFormat {
				t.Errorf("%s lost the text format: %d", cell, format)
			}
		}
	}
}

func TestWriteTemplateXLSXRejectsUnknownOptions(t *testing.T) {
	for _, opts := range []TemplateOptions{{Lang: "fr"}, {Encoding: EncodingSJIS}} {
		if err := WriteTemplateXLSX(&bytes.Buffer{}, opts); err == nil {
			t.Errorf("%+v: no error", opts)
		}
	}
}
