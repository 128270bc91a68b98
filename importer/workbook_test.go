package importer

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var jaColumns = []any{"店舗ID", "店舗名", "所在地", "業種", "電話番号"}

// A workbook of string cells reads as the same rows as the CSV that has the same cells: the same
// stores, the same raw cells, with the sheet's row numbers as lines.
func TestWorkbookReadsAsTheCSVDoes(t *testing.T) {
	data := workbookOf(t, testSheet{"店舗一覧", [][]any{
		jaColumns,
		{"shibuya-01", "渋谷店", "東京都渋谷区道玄坂1-2-3", "restaurant", "03-1234-5678"},
		nil, // a blank row, skipped as a blank line is
		{"  umeda-hair ", "ヘアサロン梅田店\u3000", "大阪府大阪市北区\n梅田2-4-9", "Hair_Salon", "０６ー６３４５ー１２３４"},
		{"tenjin-clinic", "=天神クリニック", "福岡県福岡市中央区天神1-8-1", "clinic"}, // no phone: the row ends early
	}})
	csv := "店舗ID,店舗名,所在地,業種,電話番号\n" +
		"shibuya-01,渋谷店,東京都渋谷区道玄坂1-2-3,restaurant,03-1234-5678\n" +
		"\n" +
		"  umeda-hair ,ヘアサロン梅田店\u3000,\"大阪府大阪市北区\n梅田2-4-9\",Hair_Salon,０６ー６３４５ー１２３４\n" +
		"tenjin-clinic,=天神クリニック,福岡県福岡市中央区天神1-8-1,clinic,\n"
	want, _ := mustReadAll(t, csv)
	got, r, err := readWorkbook(t, data, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Store != want[i].Store || !slices.Equal(got[i].Raw, want[i].Raw) || len(got[i].Problems) != 0 {
			t.Errorf("row %d: got %+v, want %+v", i, *got[i], *want[i])
		}
	}
	if lines := []int{got[0].Line, got[1].Line, got[2].Line}; !slices.Equal(lines, []int{2, 4, 5}) {
		t.Errorf("lines %v, want the sheet's row numbers 2, 4, 5", lines)
	}
	if r.Sheet() != "店舗一覧" || r.Encoding() != "" || !slices.Equal(r.Header(), []string{"店舗ID", "店舗名", "所在地", "業種", "電話番号"}) {
		t.Errorf("sheet %q, encoding %q, header %q", r.Sheet(), r.Encoding(), r.Header())
	}
	// From a reader that cannot be read at an offset, the workbook is read into memory first.
	streamed, err := NewReader(io.MultiReader(bytes.NewReader(data)), ReadOptions{})
	if err != nil || streamed.Sheet() != "店舗一覧" {
		t.Errorf("a workbook from a stream: %v", err)
	}
}

// The command line asks IsWorkbook which flags fit the file: a workbook, or what is refused as a
// workbook, is one; a CSV, or a zip that holds no workbook, is not.
func TestIsWorkbook(t *testing.T) {
	good := workbookOf(t, testSheet{"S", [][]any{jaColumns}})
	tests := []struct {
		name string
		in   []byte
		want bool
	}{
		{"workbook", good, true},
		{"damaged", good[:len(good)/2], true},
		{"xls", cfbWith("Workbook"), true},
		{"csv", []byte(header), false},
		{"zip", zipOf(t, map[string]string{"[Content_Types].xml": "<Types/>"}), false},
		{"empty", nil, false},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		path := filepath.Join(dir, tt.name)
		if err := os.WriteFile(path, tt.in, 0o644); err != nil {
			t.Fatal(err)
		}
		if got := IsWorkbook(path); got != tt.want {
			t.Errorf("%s: IsWorkbook is %v", tt.name, got)
		}
	}
	if IsWorkbook(filepath.Join(dir, "missing")) {
		t.Errorf("a file that is not there is a workbook")
	}
}

// Each problem of a workbook's row names its cell as the spreadsheet does, and a row that ends
// before its required cells is told they are empty.
func TestWorkbookProblemsNameTheCell(t *testing.T) {
	data := workbookOf(t, testSheet{"stores", [][]any{
		{"public_id", "name", "location", "industry", "phone"},
		{"Shibuya 01", "渋谷店", "東京都渋谷区道玄坂1-2-3", "cafe", "03-12"},
		{"ueno-01", "上野店"},
	}})
	rows, _, err := readWorkbook(t, data, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for _, row := range rows {
		var rendered []string
		for _, p := range row.Problems {
			rendered = append(rendered, p.Render(LangEN))
		}
		got = append(got, rendered)
	}
	want := [][]string{
		{`public_id (A2): "Shibuya 01" is not a valid ID`, `industry (D2): "cafe" is not allowed`, `phone (E2): "03-12" is not a phone number`},
		{`location (C3): is empty`, `industry (D3): is empty`},
	}
	for i := range want {
		if len(got) <= i || len(got[i]) != len(want[i]) {
			t.Fatalf("row %d: got %q, want %q", i+2, got, want)
		}
		for j, w := range want[i] {
			if !strings.HasPrefix(got[i][j], w) {
				t.Errorf("row %d: got %q, want it to start with %q", i+2, got[i][j], w)
			}
		}
	}
}

// A cell the spreadsheet holds as a number or a date, in a column that takes text, is refused
// with what the merchant sees in it and why: the phone column's own messages, which say what the
// spreadsheet did to the number, and for the other columns that the cell is not text. The value
// is never repaired.
func TestWorkbookNumberAndDateCells(t *testing.T) {
	jan15 := time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC)
	ok := []any{"a-01", "渋谷店", "東京都", "restaurant"}
	with := func(cells ...any) []any { return append(slices.Clone(ok), cells...) }
	data := workbookOf(t, testSheet{"stores", [][]any{
		{"public_id", "name", "location", "industry", "phone"},
		with(9012345678),
		with(jan15),
		with(numFormatted{value: 312345678, code: "0000000000"}),
		with(numFormatted{value: 9012345678, id: 11}),
		{123, jan15, "東京都", "restaurant"},
		with("09012345678"),
	}})
	rows, _, err := readWorkbook(t, data, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{
		{Column: "phone", Cell: "E2", Code: CodePhoneNoLeadingZero, Value: "9012345678"},
		{Column: "phone", Cell: "E3", Code: CodePhoneDate, Value: "2025/1/15"},
		{Column: "phone", Cell: "E4", Code: CodeNumberCell, Value: "0312345678"},
		{Column: "phone", Cell: "E5", Code: CodePhoneScientific, Value: "9.01E+09"},
		{Column: "public_id", Cell: "A6", Code: CodeNumberCell, Value: "123"},
		{Column: "name", Cell: "B6", Code: CodeDateCell, Value: "2025/1/15"},
	}
	var got []Problem
	for _, row := range rows {
		got = append(got, row.Problems...)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
	if len(rows) != 6 || len(rows[5].Problems) != 0 || rows[5].Store.Phone != "09012345678" {
		t.Errorf("the phone typed in a text cell is not read as it is: %+v", rows[len(rows)-1])
	}
	if rows[0].Raw[4] != "9012345678" {
		t.Errorf("raw cell %q, want the number as the merchant sees it", rows[0].Raw[4])
	}
	for _, lang := range []string{LangEN, LangJA} {
		for _, p := range []Problem{want[4], want[5]} {
			msg := p.Render(lang)
			for _, w := range []string{p.Column + " (" + p.Cell + "): ", `"` + p.Value + `"`, "文字列"} {
				if !strings.Contains(msg, w) {
					t.Errorf("%s in %s: %q does not say %q", p.Code, lang, msg, w)
				}
			}
		}
	}
}

// What a spreadsheet puts in a sheet's XML besides plain values: phonetic guides (furigana),
// which are not the text, rich text in runs, escaped characters, inline strings, cells and rows
// with no reference, booleans, formulas and their errors.
func TestWorkbookCellContents(t *testing.T) {
	data := rawWorkbook(t,
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row>`+
			`<row r="3"><c t="inlineStr"><is><t>kyoto-01</t></is></c><c t="s"><v>5</v></c><c t="s"><v>6</v></c><c t="str"><f>LOWER("CLINIC")</f><v>clinic</v></c><c t="inlineStr"><is><t>075-123-4567</t></is></c></row>`+
			`<row><c r="A4" t="inlineStr"><is><t>nara-01</t></is></c><c r="B4" t="e"><v>#N/A</v></c><c r="C4" t="b"><v>1</v></c><c r="D4" t="inlineStr"><is><t>other</t></is></c></row>`+
			`<row><c r="A5" t="inlineStr"><is><t>kobe-01</t></is></c><c r="B5" t="inlineStr"><is><t>神戸店</t></is></c><c r="C5" t="inlineStr"><is><t>神戸市</t></is></c><c r="D5" t="inlineStr"><is><t>other</t></is></c><c r="E5"><f>"0781234567"</f></c></row>`,
		`<t>店舗ID</t>`, `<t>店舗名</t>`, `<t>所在地</t>`, `<t>業種</t>`, `<t>電話番号</t>`,
		`<r><t>京都</t></r><r><rPr><b/></rPr><t xml:space="preserve"> 本店</t></r><rPh sb="0" eb="2"><t>キョウト</t></rPh>`,
		`<t>京都市_x000D_
下京区 a_x005F_x0041_b &amp; &lt;c&gt;</t>`,
	)
	rows, _, err := readWorkbook(t, data, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3", len(rows))
	}
	kyoto := rows[0]
	if kyoto.Line != 3 || len(kyoto.Problems) != 0 {
		t.Errorf("row %d: %v", kyoto.Line, kyoto.Problems)
	}
	if want := (Store{"kyoto-01", "京都 本店", "京都市\n下京区 a_x0041_b & <c>", "clinic", "075-123-4567"}); kyoto.Store != want {
		t.Errorf("got %+v, want %+v", kyoto.Store, want)
	}
	nara := rows[1]
	if nara.Line != 4 || !slices.Equal(codes(nara), []Code{CodeErrorCell}) || nara.Problems[0].Cell != "B4" || nara.Problems[0].Value != "#N/A" {
		t.Errorf("row %d: %+v, want the error cell B4 refused", nara.Line, nara.Problems)
	}
	if nara.Store.Location != "TRUE" {
		t.Errorf("a boolean cell reads %q, want TRUE as the spreadsheet shows it", nara.Store.Location)
	}
	// A formula a program wrote with no saved value is not an empty cell: its value is unknown.
	if kobe := rows[2]; !slices.Equal(codes(kobe), []Code{CodeUnsavedFormula}) || kobe.Problems[0].Cell != "E5" {
		t.Errorf("row %d: %+v, want the unsaved formula E5 refused", kobe.Line, kobe.Problems)
	}
}

// The caps of a CSV hold in a workbook too: a cell over 64 KiB is its row's problem, a row over
// 1 MiB or with cells past the last column a spreadsheet has is a file error naming the sheet
// and the row.
func TestWorkbookCaps(t *testing.T) {
	header := `<row r="1"><c t="inlineStr"><is><t>public_id</t></is></c><c t="inlineStr"><is><t>name</t></is></c><c t="inlineStr"><is><t>location</t></is></c><c t="inlineStr"><is><t>industry</t></is></c></row>`
	inline := func(ref, text string) string {
		return `<c r="` + ref + `" t="inlineStr"><is><t>` + text + `</t></is></c>`
	}
	big := strings.Repeat("町", 70_000/3)
	rows, _, err := readWorkbook(t, rawWorkbook(t, header+`<row r="2">`+inline("A2", "a-01")+inline("B2", "店")+inline("C2", big)+inline("D2", "other")+`</row>`), ReadOptions{})
	if err != nil || len(rows) != 1 || !slices.Equal(codes(rows[0]), []Code{CodeCellTooLarge}) || rows[0].Problems[0].Cell != "C2" {
		t.Fatalf("a 70 KB cell: %v, %+v", err, rows)
	}
	tests := []struct {
		row  string
		code FileCode
		line int
	}{
		{`<row r="7">` + inline("A7", "a-01") + inline("XFE7", "x") + `</row>`, FileTooManyCells, 7},
		{`<row r="7">` + strings.Repeat(inline("", strings.Repeat("x", 60_000)), 20) + `</row>`, FileRecordTooLong, 7},
		{`<row r="1048577">` + inline("A1048577", "a-01") + `</row>`, FileDamagedWorkbook, 0},
	}
	for _, tt := range tests {
		_, _, err := readWorkbook(t, rawWorkbook(t, header+tt.row), ReadOptions{})
		fe := fileError(t, err, tt.code, tt.line)
		if tt.line > 0 && !strings.HasPrefix(fe.Render(LangEN), `sheet "S", row 7: `) {
			t.Errorf("%s: %q does not name the sheet and the row", tt.code, fe.Render(LangEN))
		}
	}
}

// A workbook of several sheets is read from the one --sheet names; without it, from the one
// sheet whose first row is a header of stores, or not at all, saying which sheets there are.
func TestWorkbookSheetChoice(t *testing.T) {
	stores := func(name, id string) testSheet {
		return testSheet{name, [][]any{jaColumns, {id, "店", "東京都", "other"}}}
	}
	memo := testSheet{"メモ", [][]any{{"担当: 山田"}}}
	tests := []struct {
		name   string
		sheets []testSheet
		sheet  string
		want   string // the public_id read, or the error's start
	}{
		{"one sheet", []testSheet{stores("Sheet1", "a-01")}, "", "a-01"},
		{"one of them has stores", []testSheet{memo, stores("店舗", "b-01")}, "", "b-01"},
		{"the one named", []testSheet{stores("東京", "a-01"), stores("大阪", "b-01")}, "大阪", "b-01"},
		{"two have stores", []testSheet{stores("東京", "a-01"), stores("大阪", "b-01")}, "",
			`the workbook has several sheets ("東京", "大阪"); say which one to read with --sheet NAME, such as --sheet "東京"`},
		{"none has stores", []testSheet{memo, {"空", nil}}, "",
			`the workbook has several sheets ("メモ", "空"); say which one to read with --sheet NAME`},
		{"no such sheet", []testSheet{stores("東京", "a-01"), memo}, "大坂",
			`the workbook has no sheet "大坂"; its sheets are "東京", "メモ"`},
		{"the one named has no header", []testSheet{stores("東京", "a-01"), memo}, "メモ",
			`sheet "メモ", row 1: the header lacks the required column(s)`},
	}
	for _, tt := range tests {
		rows, _, err := readWorkbook(t, workbookOf(t, tt.sheets...), ReadOptions{Sheet: tt.sheet})
		switch {
		case err != nil && !strings.HasPrefix(err.Error(), tt.want):
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		case err == nil && (len(rows) != 1 || rows[0].Store.PublicID != tt.want):
			t.Errorf("%s: read %+v, want the row of %s", tt.name, rows, tt.want)
		}
	}
}

// The project's own workbook template, filled in as a merchant would (typing over the sample rows
// and adding one, the phone typed without hyphens into the column formatted as text), validates
// clean as it is: its instructions sheet is not taken for the stores.
func TestFilledInTemplateValidates(t *testing.T) {
	for _, lang := range []string{LangEN, LangJA} {
		var buf bytes.Buffer
		if err := WriteTemplateXLSX(&buf, TemplateOptions{Lang: lang, Example: true}); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		sheet := f.GetSheetName(0)
		for i, v := range []string{"ikebukuro-01", "池袋店", "東京都豊島区南池袋1-28-1", "restaurant", "09012345678"} {
			if err := f.SetCellStr(sheet, cellName(i, 5), v); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.SetCellStr(sheet, "B2", "渋谷本店"); err != nil {
			t.Fatal(err)
		}
		filled, err := f.WriteToBuffer()
		if err != nil {
			t.Fatal(err)
		}
		rows, r, err := readWorkbook(t, filled.Bytes(), ReadOptions{})
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if r.Sheet() != storesSheet.in(lang) || len(rows) != 4 {
			t.Fatalf("%s: read %d rows of sheet %q, want 4 of %q", lang, len(rows), r.Sheet(), storesSheet.in(lang))
		}
		for _, row := range rows {
			if len(row.Problems) != 0 {
				t.Errorf("%s: row %d: %v", lang, row.Line, row.Problems)
			}
		}
		if rows[0].Store.Name != "渋谷本店" || rows[3].Line != 5 || rows[3].Store.Phone != "09012345678" {
			t.Errorf("%s: %+v and %+v", lang, rows[0].Store, *rows[3])
		}
	}
}

// What cannot be read as a workbook is refused with what to do: a workbook protected with a
// password, an old .xls, a compound file that may be either, a damaged zip. A zip that is not a
// workbook is binary data, as before.
func TestWorkbookFileErrors(t *testing.T) {
	good := workbookOf(t, testSheet{"S", [][]any{jaColumns, {"a-01", "店", "東京都", "other"}}})
	encrypted := func() []byte {
		f, err := excelize.OpenReader(bytes.NewReader(good))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := f.Write(&buf, excelize.Options{Password: "secret"}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}()
	tests := []struct {
		name string
		in   []byte
		code FileCode
		line int
		en   string
	}{
		{"password", encrypted, FileWorkbookLocked, 0, "the workbook is protected with a password"},
		{"xls", cfbWith("Workbook", "SummaryInformation"), FileOldWorkbook, 0, "an Excel 97-2003 workbook (.xls)"},
		{"compound file", append(slices.Clone(cfbMagic), make([]byte, 504)...), FileLockedOrOld, 0,
			"an encrypted workbook or an old .xls: save it as .xlsx without a password"},
		{"truncated", good[:len(good)/2], FileDamagedWorkbook, 0, "the workbook is damaged"},
		{"not a zip's end", append(slices.Clone(good[:len(good)-30]), make([]byte, 30)...), FileDamagedWorkbook, 0, "the workbook is damaged"},
		{"a zip, not a workbook", zipOf(t, map[string]string{"[Content_Types].xml": "<Types/>"}), FileNotText, 1, "the byte at offset 2 is not text"},
	}
	for _, tt := range tests {
		_, _, err := readWorkbook(t, tt.in, ReadOptions{})
		fe := fileError(t, err, tt.code, tt.line)
		if got := fe.Render(LangEN); !strings.Contains(got, tt.en) {
			t.Errorf("%s: %q does not say %q", tt.name, got, tt.en)
		}
		if got := fe.Render(LangJA); got == fe.Render(LangEN) {
			t.Errorf("%s: no Japanese message: %q", tt.name, got)
		}
	}
	// XML broken halfway through the sheet ends reading there, as a damaged workbook.
	broken := rawWorkbook(t, `<row r="1"><c t="inlineStr"><is><t>public_id</t></is></c><c t="inlineStr"><is><t>name</t></is></c><c t="inlineStr"><is><t>location</t></is></c><c t="inlineStr"><is><t>industry</t></is></c></row>`+
		`<row r="2"><c t="inlineStr"><is><t>a-01</t></is></c></row><row r="3"><c t="inlineStr"><is><t>b & c</t></is></c></row>`)
	rows, _, err := readWorkbook(t, broken, ReadOptions{})
	fe := fileError(t, err, FileDamagedWorkbook, 3)
	if got := fe.Render(LangEN); !strings.HasPrefix(got, `sheet "S", row 3: the workbook is damaged (`) {
		t.Errorf("got %q, want the sheet, the row and the damage", got)
	}
	if len(rows) != 1 {
		t.Errorf("%d rows before the damage, want 1", len(rows))
	}
	if _, _, err := readWorkbook(t, []byte(header+"a-01,店,東京都,other,\n"), ReadOptions{Sheet: "S"}); err == nil {
		t.Errorf("a sheet asked of a CSV file is not refused")
	}
}

// Scan reads a workbook as it does a CSV, and a public_id repeated names the cells it is in.
func TestScanWorkbook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stores.xlsx")
	data := workbookOf(t, testSheet{"店舗一覧", [][]any{jaColumns,
		{"a-01", "店", "東京都", "other"}, {"b-01", "店", "東京都", "other"}, {"a-01", "店", "東京都", "other"}}})
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	plan, err := Scan(path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dup, ok := plan.duplicate(&Row{Line: 4, Store: Store{PublicID: "a-01"}})
	if plan.Rows != 3 || !ok {
		t.Fatalf("%d rows, duplicate %v", plan.Rows, ok)
	}
	if got, want := dup.Render(LangEN), `店舗ID (A4): "a-01" appears more than once in the file (also on line 2)`; !strings.HasPrefix(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Scan's read of a workbook's shared strings serves the run's read of the same workbook, which
// would otherwise hold a second copy; a workbook changed in between has its own read.
func TestSharedStringsReadOncePerPart(t *testing.T) {
	first := workbookOf(t, testSheet{"S", [][]any{jaColumns, {"a-01", "店", "東京都", "other"}}})
	changed := workbookOf(t, testSheet{"S", [][]any{jaColumns, {"b-01", "別の店", "大阪府", "other"}}})
	r, err := NewReader(bytes.NewReader(first), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	read := r.sharedStrings()
	again, _, err := readFrom(t, bytes.NewReader(first), ReadOptions{strings: read})
	if err != nil || len(again) != 1 || again[0].Store.Name != "店" {
		t.Fatalf("%+v, %v", again, err)
	}
	r2, err := NewReader(bytes.NewReader(first), ReadOptions{strings: read})
	if err != nil || r2.sharedStrings() != read {
		t.Errorf("the same part is read again: %v", err)
	}
	rows, r3, err := readFrom(t, bytes.NewReader(changed), ReadOptions{strings: read})
	if err != nil || r3.sharedStrings() == read || len(rows) != 1 || rows[0].Store.Name != "別の店" {
		t.Errorf("a changed part is taken for the one read before: %+v, %v", rows, err)
	}
}

// Memory stays bounded before any cap of a cell or a row applies: a run of text longer than any
// spreadsheet writes is refused as it is read, and a comment however long is passed over.
func TestWorkbookXMLTextIsBounded(t *testing.T) {
	header := `<row r="1"><c t="inlineStr"><is><t>public_id</t></is></c><c t="inlineStr"><is><t>name</t></is></c><c t="inlineStr"><is><t>location</t></is></c><c t="inlineStr"><is><t>industry</t></is></c></row>`
	huge := strings.Repeat("x", maxXMLText+1)
	_, _, err := readWorkbook(t, rawWorkbook(t, header+`<row r="2"><c r="A2" t="inlineStr"><is><t>`+huge+`</t></is></c></row>`), ReadOptions{})
	if fe := fileError(t, err, FileDamagedWorkbook, 2); !strings.Contains(fe.Render(LangEN), "MiB of text in one place") {
		t.Errorf("a text of over %d bytes: %q", maxXMLText, fe.Render(LangEN))
	}
	rows, _, err := readWorkbook(t, rawWorkbook(t, header+`<!--`+huge+`-->`+`<row r="2"><c r="A2" t="inlineStr"><is><t>a-01</t></is></c></row>`), ReadOptions{})
	if err != nil || len(rows) != 1 {
		t.Errorf("a long comment: %v, %d rows; want it passed over", err, len(rows))
	}
}

// A ' before a formula's look-alike is the merchant's own in a workbook (the tool writes none there,
// as it does in an errors CSV): it is kept, never taken off.
func TestWorkbookKeepsTheMerchantsQuote(t *testing.T) {
	header := `<row r="1"><c t="inlineStr"><is><t>public_id</t></is></c><c t="inlineStr"><is><t>name</t></is></c><c t="inlineStr"><is><t>location</t></is></c><c t="inlineStr"><is><t>industry</t></is></c></row>`
	row := `<row r="2"><c t="inlineStr"><is><t>a-01</t></is></c><c t="inlineStr"><is><t>'=店</t></is></c><c t="inlineStr"><is><t>東京</t></is></c><c t="inlineStr"><is><t>other</t></is></c></row>`
	rows, _, err := readWorkbook(t, rawWorkbook(t, header+row), ReadOptions{})
	if err != nil || len(rows) != 1 || rows[0].Store.Name != "'=店" {
		t.Fatalf("%v, %+v: want the name '=店 as typed", err, rows)
	}
}

// A hidden sheet, an old copy say, is not what the merchant sees: it is not chosen, nor suggested,
// unless --sheet names it.
func TestWorkbookHiddenSheetIsReadOnlyByName(t *testing.T) {
	data := workbookOf(t, testSheet{"old", [][]any{jaColumns, {"old-01", "店", "東京都", "other"}}},
		testSheet{"店舗一覧", [][]any{jaColumns, {"new-01", "店", "東京都", "other"}}})
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	f.SetActiveSheet(1) // the active sheet cannot be hidden
	if err := f.SetSheetVisible("old", false); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	for sheet, want := range map[string]string{"": "new-01", "old": "old-01"} {
		rows, _, err := readWorkbook(t, buf.Bytes(), ReadOptions{Sheet: sheet})
		if err != nil || len(rows) != 1 || rows[0].Store.PublicID != want {
			t.Errorf("--sheet %q: %v, %+v; want the row of %s", sheet, err, rows, want)
		}
	}
}

// A workbook's column without a header is named by its letters and header cell, as the merchant
// sees it in the spreadsheet, in the warning and in the reply; a CSV's keeps its number.
func TestWorkbookUnnamedColumnIsNamedByItsLetter(t *testing.T) {
	data := workbookOf(t, testSheet{"stores", [][]any{
		{"public_id", "name", "location", "industry", "", "phone"},
		{"shibuya-01", "渋谷店", "東京都渋谷区道玄坂1-2-3", "restaurant", "メモ", "03-1234-5678"},
	}})
	_, r, err := readWorkbook(t, data, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	warnings := r.Warnings()
	if len(warnings) != 1 || warnings[0].Cell != "E1" {
		t.Fatalf("warnings %+v, want the unnamed column at E1", warnings)
	}
	for lang, want := range map[string]string{
		LangEN: "column E has no header (cell E1 is empty); its cells are ignored",
		LangJA: "E列には見出しがない（E1セルが空）ため、読み込まれません",
	} {
		if got := warnings[0].Render(lang); got != want {
			t.Errorf("in %s: %q, want %q", lang, got, want)
		}
	}
	tally := &Tally{}
	tally.Close(&Summary{Warnings: warnings})
	if reply := tally.columnsNotRead(LangJA); reply != "・E列（見出しなし）\n" {
		t.Errorf("the reply's line for it: %q", reply)
	}
}
