package importer

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocarina/gocsv"
	"golang.org/x/text/encoding/japanese"
)

const header = "public_id,name,location,industry,phone\n"

// readAll reads every row of in; err is NewReader's error or the error that ended reading.
func readAll(t *testing.T, in string, opts ReadOptions) ([]*Row, *Reader, error) {
	t.Helper()
	return readFrom(t, strings.NewReader(in), opts)
}

// readFrom reads every row of in, a CSV or a workbook.
func readFrom(t *testing.T, in io.Reader, opts ReadOptions) ([]*Row, *Reader, error) {
	t.Helper()
	r, err := NewReader(in, opts)
	if err != nil {
		return nil, nil, err
	}
	var rows []*Row
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			return rows, r, nil
		}
		if err != nil {
			return rows, r, err
		}
		rows = append(rows, row)
	}
}

func mustReadAll(t *testing.T, in string) ([]*Row, *Reader) {
	t.Helper()
	rows, r, err := readAll(t, in, ReadOptions{})
	if err != nil {
		t.Fatalf("reading: %v", err)
	}
	return rows, r
}

func fileError(t *testing.T, err error, code FileCode, line int) *FileError {
	t.Helper()
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Fatalf("got error %v, want a *FileError %s", err, code)
	}
	if fe.Code != code || fe.Line != line {
		t.Fatalf("got %s at line %d (%v), want %s at line %d", fe.Code, fe.Line, fe, code, line)
	}
	return fe
}

func codes(row *Row) []Code {
	var c []Code
	for _, p := range row.Problems {
		c = append(c, p.Code)
	}
	return c
}

func TestReadValidRows(t *testing.T) {
	rows, r := mustReadAll(t, header+
		"shibuya-01,渋谷店,東京都渋谷区道玄坂1-2-3,restaurant,03-1234-5678\n"+
		"  umeda-hair \u3000,\u3000ヘアサロン梅田店 ,大阪府大阪市北区梅田2-4-9,Hair_Salon,０６ー６３４５ー１２３４\n"+
		"tenjin-clinic,天神クリニック,福岡県福岡市中央区天神1-8-1,clinic,\n")
	want := []Store{
		{"shibuya-01", "渋谷店", "東京都渋谷区道玄坂1-2-3", "restaurant", "03-1234-5678"},
		{"umeda-hair", "ヘアサロン梅田店", "大阪府大阪市北区梅田2-4-9", "hair_salon", "06-6345-1234"},
		{"tenjin-clinic", "天神クリニック", "福岡県福岡市中央区天神1-8-1", "clinic", ""},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d", len(rows), len(want))
	}
	for i, row := range rows {
		if row.Store != want[i] || len(row.Problems) > 0 || row.Line != i+2 {
			t.Errorf("row %d: line %d %+v %v, want line %d %+v", i, row.Line, row.Store, row.Problems, i+2, want[i])
		}
	}
	if got := rows[1].Raw[0]; got != "  umeda-hair \u3000" {
		t.Errorf("Raw is not the cell as written: %q", got)
	}
	if r.Encoding() != EncodingUTF8 || len(r.Warnings()) > 0 {
		t.Errorf("encoding %s, warnings %v", r.Encoding(), r.Warnings())
	}
}

func TestReadReportsEveryProblemOfARow(t *testing.T) {
	rows, _ := mustReadAll(t, "店舗ID,店舗名,所在地,業種,電話番号\nBad ID,,東京,cafe,03-12\n")
	got := make([]string, len(rows[0].Problems))
	for i, p := range rows[0].Problems {
		got[i] = p.Render(LangEN)
	}
	want := []string{
		`店舗ID: "Bad ID" is not a valid ID: use 3 to 63 lowercase letters (a-z), digits or hyphens, starting with a letter or digit`,
		`店舗名: is empty; this column is required`,
		`業種: "cafe" is not allowed; use one of restaurant, hair_salon, beauty, clinic, fitness, school, other`,
		`電話番号: "03-12" is not a phone number (10 or 11 digits starting with 0, hyphens optional)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestReadHeader(t *testing.T) {
	row := "shibuya-01,渋谷店,東京都渋谷区,restaurant,03-1234-5678"
	tests := []struct {
		name, header, row string
	}{
		{"english", "public_id,name,location,industry,phone", row},
		{"japanese", "店舗ID,店舗名,所在地,業種,電話番号", row},
		{"mixed and any case", "PUBLIC_ID,店舗名,Location,業種,Phone", row},
		{"spaces", " public_id ,\u3000店舗名\u3000,location\t,industry,phone", row},
		{"full-width letters", "ｐｕｂｌｉｃ＿ｉｄ,ｎａｍｅ,所在地,業種,電話番号", row},
		{"any order", "phone,industry,location,name,public_id", "03-1234-5678,restaurant,東京都渋谷区,渋谷店,shibuya-01"},
		{"no optional column", "public_id,name,location,industry", "shibuya-01,渋谷店,東京都渋谷区,restaurant"},
		{"trailing commas", "public_id,name,location,industry,phone,,,", row + ",,,"},
		{"error column", "public_id,name,location,industry,phone,error", row + ",old message"},
		{"escaped as an errors CSV writes a cell that starts with a tab", "public_id,name,location,'\tindustry,phone", row},
		{"error column, damaged", "public_id,name,location,industry,phone,error", row + ",old\x00message"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, r := mustReadAll(t, tt.header+"\n"+tt.row+"\n")
			want := Store{"shibuya-01", "渋谷店", "東京都渋谷区", "restaurant", "03-1234-5678"}
			if tt.name == "no optional column" {
				want.Phone = ""
			}
			if len(rows) != 1 || rows[0].Store != want || len(rows[0].Problems) > 0 {
				t.Fatalf("got %+v", rows)
			}
			if len(r.Warnings()) > 0 {
				t.Errorf("warnings: %v", r.Warnings())
			}
			if got := strings.Join(r.Header(), ","); got != strings.TrimRight(tt.header, ",") {
				t.Errorf("Header() = %q", got)
			}
		})
	}
}

func TestReadHeaderWarnings(t *testing.T) {
	rows, r := mustReadAll(t, "public_id,memo,name,,location,industry\nshibuya-01,note,渋谷店,x,東京,restaurant\n")
	if len(rows) != 1 || len(rows[0].Problems) > 0 || rows[0].Store.Name != "渋谷店" {
		t.Fatalf("got %+v", rows)
	}
	want := []Warning{{Code: WarnUnknownColumn, Column: "memo", Index: 2}, {Code: WarnUnnamedColumn, Index: 4}}
	if w := r.Warnings(); !slices.Equal(w, want) {
		t.Errorf("warnings: %+v, want %+v", w, want)
	}
	// The command line logs them in English, as it always has.
	if got := want[0].String(); got != `unknown column "memo" is ignored; the columns are public_id,name,location,industry,phone` {
		t.Errorf("unknown column: %q", got)
	}
	if got := want[1].String(); got != "column 4 has no header; its cells are ignored" {
		t.Errorf("unnamed column: %q", got)
	}
	if got := want[0].Render(LangJA); got != "列「memo」はテンプレートにない列のため、読み込まれません（テンプレートの列: 店舗ID、店舗名、所在地、業種、電話番号）" {
		t.Errorf("unknown column in Japanese: %q", got)
	}
	if got := want[1].Render(LangJA); got != "4列目には見出しがないため、読み込まれません" {
		t.Errorf("unnamed column in Japanese: %q", got)
	}
}

func TestReadHeaderErrors(t *testing.T) {
	tests := []struct {
		name, in string
		code     FileCode
		line     int
		says     string
	}{
		{"empty", "", FileEmpty, 0, "public_id,name,location,industry,phone"},
		{"only blank lines", "\n\n,,,\n", FileEmpty, 0, "empty"},
		{"missing", "public_id,店舗名,phone\n", FileMissingColumns, 1, "location (所在地), industry (業種)"},
		{"data, no header", "shibuya-01,渋谷店,東京,restaurant,\n", FileMissingColumns, 1, "public_id,name,location,industry,phone"},
		{"twice", "public_id,name,location,industry,店舗名\n", FileDuplicateColumn, 1, `"name" and "店舗名"`},
		{"header after blank lines", "\n,,\npublic_id\n", FileMissingColumns, 3, "name (店舗名)"},
		{"stray quote in header", "public_id,na\"me\n", FileBadHeader, 1, "header"},
		{"control character in a header after a blank line", "\npublic_id,na\x19me\n", FileHeaderControl, 2, "column 2 of the header has a control character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(tt.in), ReadOptions{})
			fe := fileError(t, err, tt.code, tt.line)
			if !strings.Contains(fe.Error(), tt.says) {
				t.Errorf("%q does not say %q", fe.Error(), tt.says)
			}
			if ja := fe.Render(LangJA); ja == fe.Error() || ja == "" {
				t.Errorf("no Japanese message: %q", ja)
			}
		})
	}
}

func TestReadSkipsBlankRecordsAndKeepsLines(t *testing.T) {
	data, err := os.ReadFile("testdata/stores_excel_bom.csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, r := mustReadAll(t, string(data))
	if len(rows) != 2 {
		t.Fatalf("got %d rows, want 2", len(rows))
	}
	if rows[0].Line != 2 || rows[1].Line != 5 {
		t.Errorf("lines %d and %d, want 2 and 5", rows[0].Line, rows[1].Line)
	}
	want := Store{"umeda-hair", `ヘアサロン "梅田" 店`, "大阪府大阪市北区\n梅田2-4-9", "hair_salon", "06-6345-1234"}
	if rows[1].Store != want || len(rows[1].Problems) > 0 {
		t.Errorf("got %+v %v", rows[1].Store, rows[1].Problems)
	}
	if r.Header()[0] != "public_id" || len(r.Header()) != 5 || r.Encoding() != EncodingUTF8 {
		t.Errorf("BOM not stripped, or trailing header cells kept: %q, %s", r.Header(), r.Encoding())
	}
}

func TestReadShiftJIS(t *testing.T) {
	data, err := os.ReadFile("testdata/stores_sjis.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, enc := range []string{EncodingAuto, EncodingSJIS} {
		rows, r, err := readAll(t, string(data), ReadOptions{Encoding: enc})
		if err != nil {
			t.Fatalf("%s: %v", enc, err)
		}
		want := []Store{
			{"shibuya-01", "渋谷店", "東京都渋谷区道玄坂１－２－３", "restaurant", "03-1234-5678"},
			{"umeda-hair", "ヘアサロン梅田店", "大阪府大阪市北区梅田2-4-9", "hair_salon", ""},
			{"namba-01", "なんば①店", "大阪府大阪市中央区難波5-1-60", "other", "06-6345-1234"},
		}
		if len(rows) != 3 || r.Encoding() != EncodingSJIS || r.Header()[1] != "店舗名" {
			t.Fatalf("%s: %d rows, %s, %q", enc, len(rows), r.Encoding(), r.Header())
		}
		for i, row := range rows {
			if row.Store != want[i] || len(row.Problems) > 0 {
				t.Errorf("%s row %d: %+v %v", enc, i, row.Store, row.Problems)
			}
		}
	}
	if _, err := NewReader(bytes.NewReader(data), ReadOptions{Encoding: EncodingUTF8}); err == nil {
		t.Error("a Shift_JIS file read as --encoding utf8")
	} else {
		fileError(t, err, FileNotUTF8, 1)
	}
}

func TestReadEncodingErrors(t *testing.T) {
	utf16 := []byte{}
	for _, c := range header {
		utf16 = append(utf16, byte(c), 0)
	}
	tests := []struct {
		name   string
		in     []byte
		enc    string
		code   FileCode
		line   int
		offset int64
	}{
		{"UTF-16 with BOM", append([]byte{0xFF, 0xFE}, utf16...), EncodingAuto, FileUTF16, 0, 0},
		{"UTF-16 without BOM", utf16, EncodingAuto, FileNotText, 1, 1},
		// A zip's first bytes and no more: a damaged workbook (workbook_test.go has the workbooks).
		{"xlsx", []byte("PK\x03\x04\x14\x00\x06\x00"), EncodingAuto, FileDamagedWorkbook, 0, 0},
		{"neither", []byte(header + "a,b,c,d,\xff\xfe\n"), EncodingAuto, FileUnknownEncoding, 2, int64(len(header) + 8)},
		{"BOM but sjis", append(slices.Clone(utf8BOM), header...), EncodingSJIS, FileNotSJIS, 1, 0},
		{"not sjis", []byte(header + "\x81\x20\n"), EncodingSJIS, FileNotSJIS, 2, int64(len(header))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewReader(bytes.NewReader(tt.in), ReadOptions{Encoding: tt.enc})
			fe := fileError(t, err, tt.code, tt.line)
			if fe.Offset != tt.offset {
				t.Errorf("offset %d, want %d (%v)", fe.Offset, tt.offset, fe)
			}
		})
	}
	if _, err := NewReader(strings.NewReader(header), ReadOptions{Encoding: "latin1"}); err == nil {
		t.Error("unknown encoding accepted")
	}
}

// A Shift_JIS file whose first 64 KiB are ASCII is taken for UTF-8; its later Japanese rows must
// then be reported, not imported as mojibake.
func TestReadLateBadBytesAreRowProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString(header)
	for b.Len() <= sampleBytes {
		b.WriteString("shibuya-01,Shibuya,Tokyo,restaurant,03-1234-5678\n")
	}
	sjis, err := japanese.ShiftJIS.NewEncoder().String("umeda-01,梅田店,大阪,restaurant,\n")
	if err != nil {
		t.Fatal(err)
	}
	b.WriteString(sjis)
	rows, r := mustReadAll(t, b.String())
	last := rows[len(rows)-1]
	if r.Encoding() != EncodingUTF8 || !slices.Equal(codes(last), []Code{CodeNotUTF8, CodeNotUTF8}) {
		t.Errorf("%s, %v", r.Encoding(), last.Problems)
	}
	if last.Problems[0].Column != "name" {
		t.Errorf("column %q, want name", last.Problems[0].Column)
	}
}

func TestReadMalformedRows(t *testing.T) {
	big := strings.Repeat("x", maxCellBytes+1)
	tests := []struct {
		name  string
		row   string
		line  int
		codes []Code
	}{
		{"too many cells", "a-1,渋谷店,東京,restaurant,03-1234-5678,extra", 2, []Code{CodeCellCount}},
		{"unquoted comma", "a-1,渋谷店, 本店,東京,restaurant,03-1234-5678", 2, []Code{CodeCellCount}},
		{"too few cells", "a-1,渋谷店,東京,restaurant", 2, []Code{CodeCellCount}},
		{"NUL", "a-1,渋谷\x00店,東京,restaurant,", 2, []Code{CodeNUL}},
		{"cell over 64 KiB", "a-1," + big + ",東京,restaurant,", 2, []Code{CodeCellTooLarge}},
		{"stray quote", `a-1,5" monitor shop,東京,restaurant,`, 2, []Code{CodeStrayQuote}},
		{"junk after a quoted cell", `a-1,"渋谷"店,東京,restaurant,`, 2, []Code{CodeStrayQuote}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, _ := mustReadAll(t, header+tt.row+"\nok-1,次の店,東京,other,\n")
			if len(rows) != 2 {
				t.Fatalf("got %d rows, want the bad one and the next", len(rows))
			}
			if rows[0].Line != tt.line || !slices.Equal(codes(rows[0]), tt.codes) {
				t.Errorf("line %d %v, want line %d %v", rows[0].Line, rows[0].Problems, tt.line, tt.codes)
			}
			if next := rows[1]; next.Line != 3 || len(next.Problems) > 0 || next.Store.PublicID != "ok-1" {
				t.Errorf("the next row is not read cleanly: %+v", next)
			}
			if rows[0].Store.PublicID != "a-1" {
				t.Errorf("public_id of the bad row: %q", rows[0].Store.PublicID)
			}
		})
	}
}

func TestReadStrayQuoteKeepsTheCells(t *testing.T) {
	rows, _ := mustReadAll(t, header+`a-1,5" monitor shop,東京,restaurant,03-1234-5678`+"\n")
	want := []string{"a-1", `5" monitor shop`, "東京", "restaurant", "03-1234-5678"}
	if !slices.Equal(rows[0].Raw, want) {
		t.Errorf("Raw = %q, want %q", rows[0].Raw, want)
	}
}

func TestReadUnclosedQuote(t *testing.T) {
	tests := []struct {
		name, in string
		line     int
	}{
		{"to the end of the file", header + "a-1,渋谷店,東京,restaurant,\nb-1,\"梅田店,大阪,other,\nc-1,天神,福岡,other,\n", 3},
		{"closed by a later cell's quote", header + "a-1,\"渋谷店,東京,restaurant,\nb-1,\"梅田店\",大阪,other,\n", 2},
		{"in a record that started earlier", header + "a-1,\"渋谷\n店\",\"東京,restaurant,\n", 3},
		{"on the last line", header + "a-1,渋谷店,\"東京", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, _, err := readAll(t, tt.in, ReadOptions{})
			fe := fileError(t, err, FileUnclosedQuote, tt.line)
			if !strings.Contains(fe.Error(), "never closed") {
				t.Errorf("message: %q", fe.Error())
			}
			if len(rows) > 1 {
				t.Errorf("rows before the error: %d", len(rows))
			}
		})
	}
}

func TestReadRecordTooLong(t *testing.T) {
	long := strings.Repeat("x", maxCellBytes)
	row := "a-1," + strings.Repeat(long+",", maxRecordBytes/maxCellBytes) + "\n"
	_, _, err := readAll(t, header+"\n"+row, ReadOptions{})
	fileError(t, err, FileRecordTooLong, 3)

	// A quote opened early and never closed is named as such, not as a long record.
	unclosed := header + "a-1,\"渋谷\n" + strings.Repeat("b-1,梅田,大阪,other,\n", maxRecordBytes/20)
	_, _, err = readAll(t, unclosed, ReadOptions{})
	fileError(t, err, FileUnclosedQuote, 2)
}

// A record with more cells than a spreadsheet has columns is not a store list: the file is
// refused at the record's line, as one over 1 MiB is. The record: 520,000 one-character
// cells, just under 1 MiB.
func TestReadTooManyCells(t *testing.T) {
	tests := []struct {
		name, in string
		line     int
	}{
		{"the issue's record", header + "b-1,梅田,大阪,other,\n\n" + strings.Repeat("a,", 519_999) + "a\n", 4},
		{"one cell too many", header + "a-1,渋谷店,東京,other," + strings.Repeat(",x", maxRowCells-4) + "\n", 2},
		{"only commas", header + strings.Repeat(",", maxRowCells) + "\n", 2},
		{"the header", strings.TrimSuffix(header, "\n") + strings.Repeat(",memo", maxRowCells) + "\n", 1},
		{"the header, one cell too many", strings.TrimSuffix(header, "\n") + strings.Repeat(",memo", maxRowCells-4) + "\n", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := readAll(t, tt.in, ReadOptions{})
			fe := fileError(t, err, FileTooManyCells, tt.line)
			if !strings.Contains(fe.Error(), "past column 16,384") {
				t.Errorf("message: %q", fe.Error())
			}
		})
	}
}

// The feeder refuses the record before the parser makes its cells: a string header and
// two slice entries each, 20 MB for 520,000 of them, before a check of the record could see it.
func TestTooWideRecordIsRefusedUnparsed(t *testing.T) {
	in := header + strings.Repeat("a,", 519_999) + "a\n"
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, err := readAll(t, in, ReadOptions{})
	runtime.ReadMemStats(&after)
	fileError(t, err, FileTooManyCells, 2)
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 4<<20 {
		t.Errorf("reading allocated %d bytes; refused before it is parsed, the record takes less than 4 MiB", allocated)
	}
}

// The feeder counts a well-formed record's cells as the parser makes them, however the text is
// handed to it.
func TestFeederCountsCellsAsTheParser(t *testing.T) {
	for _, rec := range []string{
		"a,b,c\n",
		"\n\na,,\"\",\n",
		`"a,b","c""d,e",f` + "\n",
		"\"渋谷\r\n,店\",東京\r\n",
		`"",""""` + "\n",
		`x,"""",",",""","""` + "\n",
		"a,b",
	} {
		cells, err := csv.NewReader(strings.NewReader(rec)).Read()
		if err != nil {
			t.Fatal(err)
		}
		for size := 1; size <= len(rec); size++ {
			c := cellCount{quoteOpens: true}
			for text := []byte(rec); len(text) > 0; text = text[min(size, len(text)):] {
				c.add(text[:min(size, len(text))])
			}
			if c.separators != len(cells)-1 {
				t.Errorf("%q handed out %d bytes at a time: %d separators, the parser makes %d cells", rec, size, c.separators, len(cells))
			}
		}
	}
}

// A record at the limit is a row with too many cells, and its errors CSV, which adds a cell for
// the message, reads back alike.
func TestReadRowAtTheCellLimit(t *testing.T) {
	atLimit := "a-1,渋谷店,東京,other," + strings.Repeat("x,", maxRowCells-5) + "x"
	rows, r := mustReadAll(t, header+atLimit+"\n")
	if len(rows) != 1 || len(rows[0].Raw) != maxRowCells || !slices.Equal(codes(rows[0]), []Code{CodeCellCount}) {
		t.Fatalf("%d rows, the first with %d cells and %v", len(rows), len(rows[0].Raw), rows[0].Problems)
	}
	checkErrorsCSV(t, r, rows)
}

func TestReaderStopsAfterFileError(t *testing.T) {
	r, err := NewReader(strings.NewReader(header+"a-1,\"x\n"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, first := r.Next()
	_, second := r.Next()
	if first == nil || first != second {
		t.Errorf("errors %v then %v, want the same file error twice", first, second)
	}
}

const countedRow = "shibuya-01,渋谷店,東京都渋谷区道玄坂1-2-3,restaurant,03-1234-5678\n"

// countingReader generates a file of n rows, each countedRow unless row is set, and counts what
// was read from it, which the test reads while the Reader reads ahead. With a gate, rows from
// gateAt on are served only once the gate is closed.
type countingReader struct {
	rows   int
	row    string
	gateAt int
	gate   chan struct{}
	buf    []byte
	read   atomic.Int64 // bytes
	served atomic.Int64 // rows
}

func (c *countingReader) Read(p []byte) (int, error) {
	if len(c.buf) == 0 {
		if c.gate != nil && c.served.Load() >= int64(c.gateAt) {
			<-c.gate
		}
		if c.served.Load() == int64(c.rows) {
			return 0, io.EOF
		}
		c.served.Add(1)
		c.buf = []byte(cmp.Or(c.row, countedRow))
	}
	n := copy(p, c.buf)
	c.buf = c.buf[n:]
	c.read.Add(int64(n))
	return n, nil
}

// settled waits, a bounded time, until the Reader stops reading ahead, and returns what it read.
func (c *countingReader) settled() int64 {
	last := c.read.Load()
	for still := 0; still < 5; still++ {
		time.Sleep(20 * time.Millisecond)
		if now := c.read.Load(); now != last {
			last, still = now, -1
		}
		if last > 100<<20 {
			break // far past any bound already
		}
	}
	return last
}

// What the Reader reads ahead is bounded by the records' cells, whatever their shape: many short
// rows, rows of many short cells (each cell costs a string header too), or rows with a large cell.
func TestReaderStreams(t *testing.T) {
	tests := []struct {
		name string
		row  string
		rows int
	}{
		{"narrow rows", countedRow, 200_000},
		{"wide rows", "w-1," + strings.Repeat("a,", 1_998) + "a\n", 2_000},
		{"a large cell a row", "big-1," + strings.Repeat("x", 100<<10) + ",東京,other,\n", 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &countingReader{rows: tt.rows, row: tt.row}
			r, err := NewReader(io.MultiReader(strings.NewReader(header), src), ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			const taken = 10
			for range taken {
				if _, err := r.Next(); err != nil {
					t.Fatal(err)
				}
			}
			if read, most := src.settled(), int64(taken*len(tt.row))+readAhead(t, tt.row); read > most {
				t.Errorf("read %d bytes for %d rows, more than the %d the reader may read ahead", read, taken, most)
			}
			n := taken
			for {
				if _, err := r.Next(); errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					t.Fatal(err)
				}
				n++
			}
			if n != tt.rows {
				t.Errorf("read %d rows, want %d", n, tt.rows)
			}
		})
	}
}

// readAhead is the most of a file of rows like row that the Reader may read ahead: the batches
// queued, one being checked and one being parsed, each closed at decodeBatch records or once
// their cells reach batchBytes, and the buffers of encoding detection and parsing.
func readAhead(t *testing.T, row string) int64 {
	t.Helper()
	cells, err := csv.NewReader(strings.NewReader(row)).Read()
	if err != nil {
		t.Fatal(err)
	}
	size := parsed{cells: cells}.size()
	perBatch := min(decodeBatch, (batchBytes+size-1)/size)
	return int64((batchesAhead+2)*perBatch*len(row) + 2*sampleBytes)
}

func TestRowLinesWithMultilineCells(t *testing.T) {
	rows, _ := mustReadAll(t, header+"a-1,\"渋谷\n店\",\"東京\n都\",restaurant,\n\n\nb-1,梅田店,大阪,other,\n")
	if len(rows) != 2 || rows[0].Line != 2 || rows[1].Line != 7 {
		t.Fatalf("lines: %+v", rows)
	}
	if !reflect.DeepEqual(codes(rows[0]), []Code{CodeControl}) {
		t.Errorf("a line break in a name: %v", rows[0].Problems)
	}
}

// gocsv's options are package-wide, and other code may set them; decoding must not depend on them.
func TestDecodeIgnoresGocsvOptions(t *testing.T) {
	defer func(unmatched, doubled bool) {
		gocsv.FailIfUnmatchedStructTags, gocsv.FailIfDoubleHeaderNames = unmatched, doubled
	}(gocsv.FailIfUnmatchedStructTags, gocsv.FailIfDoubleHeaderNames)
	gocsv.FailIfUnmatchedStructTags, gocsv.FailIfDoubleHeaderNames = true, true
	rows, _ := mustReadAll(t, "public_id,,memo,name,location,industry,memo\na-1,,x,渋谷店,東京,other,y\n")
	if len(rows) != 1 || rows[0].Store != (Store{"a-1", "渋谷店", "東京", "other", ""}) {
		t.Errorf("got %+v", rows)
	}
}

// Batches are checked at the same time; the rows still come back in file order, each with its own
// line, values and problems, and a file error comes after every row before it.
func TestReaderKeepsFileOrderAcrossBatches(t *testing.T) {
	n := (batchesAhead+2)*decodeBatch + 17
	var in strings.Builder
	in.WriteString(header)
	for i := 1; i <= n; i++ {
		switch {
		case i == decodeBatch+3:
			fmt.Fprintf(&in, "s-%d,5\" shop,東京,restaurant,\n", i)
		case i%7 == 0:
			fmt.Fprintf(&in, "s-%d,店%d,東京,sushi,\n", i, i)
		default:
			fmt.Fprintf(&in, "s-%d,店%d,東京,restaurant,03-1234-%04d\n", i, i, i)
		}
	}
	in.WriteString("late,\"渋谷店,東京,restaurant,\n")
	rows, _, err := readAll(t, in.String(), ReadOptions{})
	fileError(t, err, FileUnclosedQuote, n+2)
	if len(rows) != n {
		t.Fatalf("%d rows before the file error, want %d", len(rows), n)
	}
	for i, row := range rows {
		id := i + 1
		var want []Code
		switch {
		case id == decodeBatch+3:
			want = []Code{CodeStrayQuote}
		case id%7 == 0:
			want = []Code{CodeNotAllowed}
		}
		if row.Line != id+1 || row.Store.PublicID != fmt.Sprintf("s-%d", id) || !slices.Equal(codes(row), want) {
			t.Fatalf("row %d: line %d, %+v, %v; want line %d, s-%d, %v", id, row.Line, row.Store, codes(row), id+1, id, want)
		}
		if want == nil && row.Store.Phone != fmt.Sprintf("03-1234-%04d", id) {
			t.Fatalf("row %d has the values of another: %+v", id, row.Store)
		}
	}
}

// A caller that stops early closes the Reader: once Close returns, the source is not read again,
// even when the reader was in the middle of a batch.
func TestReaderCloseStopsReadingTheSource(t *testing.T) {
	// The gate holds the producer in the middle of a batch: past the rows encoding detection reads
	// first, before the batches it may read ahead are full.
	gateAt := sampleBytes/len(countedRow) + decodeBatch/2
	src := &countingReader{rows: gateAt + 1000, gateAt: gateAt, gate: make(chan struct{})}
	r, err := NewReader(io.MultiReader(strings.NewReader(header), src), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
	}
	closed := make(chan struct{})
	go func() {
		r.Close()
		close(closed)
	}()
	for wait := 0; !r.stopped() && wait < 500; wait++ {
		time.Sleep(10 * time.Millisecond) // until Close has asked the producer to stop
	}
	close(src.gate) // the producer, waiting in the middle of its second batch, may read on
	<-closed
	// The record being parsed when Close was called may finish; its line and the next are read.
	if served := src.served.Load(); served > int64(gateAt)+2 {
		t.Errorf("%d rows read from the source, %d after Close", served, served-int64(gateAt))
	}
	if row, err := r.Next(); err == nil {
		t.Errorf("Next after Close returned line %d", row.Line)
	}
}
