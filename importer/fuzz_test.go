package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The fuzz targets' seed corpus is in testdata/fuzz/<target>; go test runs the seeds, and
// `make fuzz` looks for new inputs (FUZZTIME each). Whatever the input, reading and validating
// must not panic, and what they say must hold together.

// FuzzReader reads any bytes as a store CSV, or as a workbook when they start like one.
func FuzzReader(f *testing.F) {
	f.Add([]byte(header + "a-1,渋谷店,東京,restaurant,03-1234-5678\n"))
	f.Add(workbookOf(f, testSheet{"S", [][]any{jaColumns, {"a-1", "渋谷店", "東京", "restaurant", 9012345678}}}))
	f.Add(rawWorkbook(f, `<row r="1"><c t="s"><v>0</v></c><c t="inlineStr"><is><t>name</t></is></c><c t="inlineStr"><is><t>location</t></is></c><c t="inlineStr"><is><t>industry</t></is></c></row>`+
		`<row><c t="inlineStr"><is><t>a-1</t></is></c><c t="e"><v>#N/A</v></c><c s="0"><v>1</v></c></row>`, `<t>public_id</t><rPh><t>x</t></rPh>`))
	f.Add(cfbWith("EncryptedPackage"))
	f.Fuzz(func(t *testing.T, in []byte) {
		rows, r, err := readFuzz(t, in)
		if r == nil {
			return
		}
		last := 1
		for _, row := range rows {
			if row.Line <= last {
				t.Fatalf("row at line %d after line %d", row.Line, last)
			}
			last = row.Line
			checkRow(t, r, row)
		}
		var fe *FileError
		if errors.As(err, &fe) {
			if fe.Line > 0 && fe.Line < last { // a damaged workbook's error may say no line
				t.Errorf("file error at line %d after a row at line %d: %v", fe.Line, last, fe)
			}
			if _, again := r.Next(); again != err {
				t.Errorf("after the file error %v, Next says %v", err, again)
			}
			return
		}
		if r.Sheet() != "" {
			checkErrorsWorkbook(t, r, rows)
			return
		}
		checkErrorsCSV(t, r, rows)
	})
}

// readFuzz reads every row of in. Without a Reader, NewReader refused the file; err is the
// *FileError that ended reading, or nil at the end of the file.
func readFuzz(t *testing.T, in []byte) ([]*Row, *Reader, error) {
	return readFuzzAs(t, in, "")
}

// readFuzzAs reads in as encoding, or as --encoding auto does when encoding is "".
func readFuzzAs(t *testing.T, in []byte, encoding string) ([]*Row, *Reader, error) {
	r, err := NewReader(bytes.NewReader(in), ReadOptions{Encoding: encoding})
	if err != nil {
		checkFileError(t, err, in)
		return nil, nil, err
	}
	var rows []*Row
	for range len(in) + 1 { // a row takes at least a byte of the file
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			return rows, r, nil
		}
		if err != nil {
			checkFileError(t, err, in)
			return rows, r, err
		}
		rows = append(rows, row)
	}
	t.Fatalf("more rows than bytes in the file")
	return nil, nil, nil
}

func checkFileError(t *testing.T, err error, in []byte) {
	t.Helper()
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Fatalf("not a *FileError: %T %v", err, err)
	}
	if fe.Offset < 0 || fe.Offset > int64(len(in)) || fe.Line < 0 {
		t.Errorf("line %d, offset %d in a file of %d bytes: %v", fe.Line, fe.Offset, len(in), fe)
	}
	for _, lang := range []string{LangEN, LangJA} {
		if msg := fe.Render(lang); msg == string(fe.Code) || strings.HasSuffix(msg, ": "+string(fe.Code)) {
			t.Errorf("no message for %s in %s: %q", fe.Code, lang, msg)
		}
	}
}

// checkRow holds for every row the Reader returns, whatever the file.
func checkRow(t *testing.T, r *Reader, row *Row) {
	t.Helper()
	if blank(row.Raw) {
		t.Errorf("line %d: a blank record is a row: %q", row.Line, row.Raw)
	}
	header := r.Header()
	for _, p := range row.Problems {
		if p.Column != "" && !slices.ContainsFunc(header, func(h string) bool { return cellValue(h) == p.Column }) {
			t.Errorf("line %d: problem of column %q, which the header %q does not have", row.Line, p.Column, header)
		}
		checkRendered(t, p)
	}
	if len(row.Problems) > 0 {
		return
	}
	// A row without problems is a store the platform can take.
	s := row.Store
	if !idPattern.MatchString(s.PublicID) {
		t.Errorf("line %d: public_id %q passed", row.Line, s.PublicID)
	}
	for _, v := range []string{s.PublicID, s.Name, s.Location, s.Industry, s.Phone} {
		if v != strings.TrimSpace(v) || !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			t.Errorf("line %d: value %q is not trimmed, valid UTF-8 without NUL", row.Line, v)
		}
	}
	if n := utf8.RuneCountInString(s.Name); n == 0 || n > 100 || strings.ContainsFunc(s.Name, unicode.IsControl) {
		t.Errorf("line %d: name %q passed", row.Line, s.Name)
	}
	if n := utf8.RuneCountInString(s.Location); n == 0 || n > 200 {
		t.Errorf("line %d: location %q passed", row.Line, s.Location)
	}
	if !slices.Contains(columns[3].OneOf, s.Industry) {
		t.Errorf("line %d: industry %q passed", row.Line, s.Industry)
	}
	if s.Phone != "" && (!isASCII(s.Phone) || !phonePattern.MatchString(phoneSeparators.Replace(s.Phone))) {
		t.Errorf("line %d: phone %q passed", row.Line, s.Phone)
	}
}

// checkRendered: every problem has its own sentence in each language, on one line, so that the
// table report keeps a row per line.
func checkRendered(t *testing.T, p Problem) {
	t.Helper()
	for _, lang := range []string{LangEN, LangJA} {
		msg := p.Render(lang)
		if msg == string(p.Code) || strings.HasSuffix(msg, ": "+string(p.Code)) || strings.ContainsAny(msg, "\r\n") {
			t.Errorf("%s in %s renders as %q", p.Code, lang, msg)
		}
	}
}

// checkErrorsCSV writes every row to an errors CSV and reads it back: the merchant must get the
// same values and the same problems.
// checkErrorsWorkbook holds for any workbook read: its errors workbook reads back row for row,
// each cell as it was shown (a cell over a spreadsheet's 32,767 characters aside: a workbook
// cannot hold it).
func checkErrorsWorkbook(t *testing.T, r *Reader, rows []*Row) {
	t.Helper()
	if len(rows) == 0 {
		return
	}
	var buf bytes.Buffer
	e, err := NewErrorsXLSX(&buf, r.Header(), r.Sheet(), LangEN, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for _, row := range rows {
		if err := e.Write(row, "=error"); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Flush(); err != nil {
		t.Fatal(err)
	}
	back, _, err := readFuzz(t, buf.Bytes())
	if err != nil || len(back) != len(rows) {
		t.Fatalf("the errors workbook reads back %d rows of %d: %v", len(back), len(rows), err)
	}
	layout := newErrorsLayout(r.Header())
	for i, row := range rows {
		if slices.Contains(codes(row), CodeCellTooLarge) {
			continue
		}
		want := layout.line(layout.rowCells(row))
		if got := padded(back[i].Raw, len(want))[:len(want)]; !slices.Equal(got, want) {
			t.Errorf("row %d: %q back from the errors workbook, want %q", row.Line, got, want)
		}
	}
}

func checkErrorsCSV(t *testing.T, r *Reader, rows []*Row) {
	t.Helper()
	if len(rows) == 0 {
		return
	}
	var buf bytes.Buffer
	e, err := NewErrorsCSV(&buf, r.Header(), r.Encoding())
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if err := e.Write(row, "=error"); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Flush(); err != nil {
		t.Fatal(err)
	}
	back, r2, err := readFuzz(t, buf.Bytes())
	if err != nil {
		t.Fatalf("the errors CSV does not read back: %v\n%q", err, buf.Bytes())
	}
	if r2.Encoding() != r.Encoding() && !isASCII(buf.String()) {
		if r.Encoding() != EncodingSJIS || !utf8.Valid(buf.Bytes()) {
			t.Fatalf("errors CSV in %s, the file in %s", r2.Encoding(), r.Encoding())
		}
		// Shift_JIS bytes that happen to be valid UTF-8 too read as UTF-8, as --encoding auto
		// must take them. Real Japanese text in Shift_JIS is not valid UTF-8, so this takes a
		// file made to be ambiguous: a few odd bytes, or bytes written as '?' or re-encoded (an
		// IBM extension as its NEC-selected code). Read as Shift_JIS, it must still hold.
		if back, _, err = readFuzzAs(t, buf.Bytes(), EncodingSJIS); err != nil {
			t.Fatalf("the errors CSV does not read back as Shift_JIS: %v\n%q", err, buf.Bytes())
		}
	}
	if len(back) != len(rows) {
		t.Fatalf("%d rows back from the errors CSV, want %d\n%q", len(back), len(rows), buf.Bytes())
	}
	for i := range rows {
		if slices.Contains(codes(rows[i]), CodeNotSJIS) {
			continue // bytes that are not Shift_JIS are written as '?', to show where they were
		}
		// The errors CSV mends a record's form: a stray quote is written quoted, a short row
		// padded so that the error column lines up. Then the cells themselves are checked, and
		// normalized (an industry lowercased), which a record with a broken form never was.
		mended := slices.ContainsFunc(rows[i].Problems, func(p Problem) bool {
			return p.Code == CodeStrayQuote || (p.Code == CodeCellCount && p.Count < p.Limit)
		})
		if mended {
			continue
		}
		// A long record is written cell for cell, so that deleting the cell its stray comma made
		// lines everything up again; until then its first cell past the header sits under the
		// error column, which is not read. It comes back still too long, the same under the
		// header.
		if tooLong(rows[i]) {
			if !tooLong(back[i]) || back[i].Store != rows[i].Store || !slices.Equal(underHeader(back[i]), underHeader(rows[i])) {
				t.Errorf("row %d: too long, %+v %v, back from the errors CSV %+v %v", i, rows[i].Store, rows[i].Problems, back[i].Store, back[i].Problems)
			}
			continue
		}
		if back[i].Store != rows[i].Store || !slices.Equal(codes(back[i]), codes(rows[i])) {
			t.Errorf("row %d: %+v %v, back from the errors CSV %+v %v", i, rows[i].Store, rows[i].Problems, back[i].Store, back[i].Problems)
		}
	}
}

// tooLong: the row has more cells than the header.
func tooLong(row *Row) bool {
	return slices.ContainsFunc(row.Problems, func(p Problem) bool { return p.Code == CodeCellCount && p.Count > p.Limit })
}

// underHeader are the problems of the row's cells under the header, as column: code.
func underHeader(row *Row) []string {
	var named []string
	for _, p := range row.Problems {
		if p.Column != "" {
			named = append(named, p.Column+": "+string(p.Code))
		}
	}
	return named
}

// The rules for public_id and phone as the README states them; the validator's loops must judge
// every value as these do. A phone number is matched once its separators are dropped.
var (
	idPattern       = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{2,62}$`)
	phonePattern    = regexp.MustCompile(`^0[0-9]{9,10}$`)
	phoneSeparators = strings.NewReplacer("-", "", " ", "", "(", "", ")", "")
)

// FuzzValidate puts any values in a well-formed row and checks the validator: a row that passes
// is a store the platform takes, a normalized row passes again unchanged, and each problem names
// its column and renders.
func FuzzValidate(f *testing.F) {
	f.Add("shibuya-01", "渋谷店", "東京都渋谷区道玄坂1-2-3", "restaurant", "03-1234-5678")
	f.Fuzz(func(t *testing.T, id, name, location, industry, phone string) {
		in := []string{id, name, location, industry, phone}
		if slices.ContainsFunc(in, func(v string) bool { return !utf8.ValidString(v) }) {
			return // the encoding is FuzzReader's part
		}
		rows, r, err := readFuzz(t, csvOf(t, columnNames, in))
		if err != nil {
			t.Fatalf("a well-formed file: %v", err)
		}
		if blank(in) {
			if len(rows) != 0 {
				t.Fatalf("a blank row is a row: %+v", rows[0])
			}
			return
		}
		if len(rows) != 1 || rows[0].Line != 2 {
			t.Fatalf("one row at line 2 written, got %+v", rows)
		}
		row := rows[0]
		checkRow(t, r, row)
		for _, p := range row.Problems {
			if p.Column == "" || p.Code == CodeCellCount || p.Code == CodeStrayQuote {
				t.Errorf("a well-formed row has a record problem: %v", p)
			}
		}
		checkErrorsCSV(t, r, rows)
		checkAsPatterns(t, row, cellValue(id), cellValue(phone))
		if len(row.Problems) > 0 {
			return
		}
		// Normalizing is done once: the stored values, written again, read as themselves.
		s := row.Store
		again, _, err := readFuzz(t, csvOf(t, columnNames, []string{s.PublicID, s.Name, s.Location, s.Industry, s.Phone}))
		if err != nil || len(again) != 1 || again[0].Store != s || len(again[0].Problems) > 0 {
			t.Errorf("%+v written again reads as %+v (%v)", s, again, err)
		}
	})
}

// checkAsPatterns: the id and the phone are refused exactly when the patterns refuse them.
func checkAsPatterns(t *testing.T, row *Row, id, phone string) {
	t.Helper()
	has := func(code Code) bool {
		return slices.ContainsFunc(row.Problems, func(p Problem) bool { return p.Code == code })
	}
	unusable := func(column string) bool { // a damaged cell is not checked against its rule
		return slices.ContainsFunc(row.Problems, func(p Problem) bool {
			return p.Column == column && (p.Code == CodeNUL || p.Code == CodeCellTooLarge)
		})
	}
	if id != "" && !unusable("public_id") && has(CodeBadID) == idPattern.MatchString(id) {
		t.Errorf("public_id %q: refused %v, but the pattern says %v", id, has(CodeBadID), idPattern.MatchString(id))
	}
	if phone == "" || unusable("phone") {
		return
	}
	n := phoneSeparators.Replace(strings.Map(asciiPhoneRune, phone))
	refused := has(CodeBadPhone) || has(CodePhoneNoLeadingZero) || has(CodePhoneScientific) || has(CodePhoneDate)
	if want := phonePattern.MatchString(n); refused == want {
		t.Errorf("phone %q: refused %v, but the pattern says it is good: %v", phone, refused, want)
	}
	// The leading 0 is said to be missing only from digits alone, as a spreadsheet leaves a number,
	// and then it is.
	if has(CodePhoneNoLeadingZero) && (!onlyDigits.MatchString(strings.Map(asciiPhoneRune, phone)) || n[0] == '0') {
		t.Errorf("phone %q: refused for a missing leading 0", phone)
	}
}

var onlyDigits = regexp.MustCompile(`^[0-9]+$`)

func csvOf(t *testing.T, records ...[]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(records); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
