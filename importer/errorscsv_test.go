package importer

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
)

// roundTrip reads in, writes every row to an errors CSV and reads that back.
func roundTrip(t *testing.T, in string, opts ReadOptions) (first, second []*Row, out []byte, r2 *Reader) {
	t.Helper()
	first, r, err := readAll(t, in, opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	e, err := NewErrorsCSV(&buf, r.Header(), r.Encoding())
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range first {
		if err := e.Write(row, "=HYPERLINK(\"x\") is wrong"); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Flush(); err != nil {
		t.Fatal(err)
	}
	second, r2, err = readAll(t, buf.String(), ReadOptions{})
	if err != nil {
		t.Fatalf("the errors CSV does not read back: %v\n%s", err, buf.String())
	}
	return first, second, buf.Bytes(), r2
}

func TestErrorsCSVRoundTrip(t *testing.T) {
	in := "public_id,name,memo,location,industry,phone\n" +
		"=cmd-01,+渋谷店,@memo,-東京都,\trestaurant,03-1234-5678\n" +
		"ok-01,\"名前, 本店\",\"two\nlines\",\"大阪\",other,\n" +
		"bad-01,'=already escaped,,福岡,clinic,0312\n"
	first, second, out, r2 := roundTrip(t, in, ReadOptions{})
	if len(second) != len(first) {
		t.Fatalf("%d rows back, want %d", len(second), len(first))
	}
	for i := range first {
		if first[i].Store != second[i].Store || !slices.Equal(codes(first[i]), codes(second[i])) {
			t.Errorf("row %d: %+v %v, back %+v %v", i, first[i].Store, codes(first[i]), second[i].Store, codes(second[i]))
		}
	}
	if got := strings.Join(r2.Header(), ","); got != "public_id,name,memo,location,industry,phone,error" {
		t.Errorf("header %q", got)
	}
	if !bytes.HasPrefix(out, utf8BOM) {
		t.Error("no BOM")
	}
	records, err := csv.NewReader(bytes.NewReader(out[len(utf8BOM):])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"'=cmd-01", "'+渋谷店", "'@memo", "'-東京都", "'\trestaurant", "03-1234-5678", `'=HYPERLINK("x") is wrong`}
	if !slices.Equal(records[1], want) {
		t.Errorf("first row written as %q, want %q", records[1], want)
	}
	for _, rec := range records[1:] {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune(formulaStarts, rune(cell[0])) {
				t.Errorf("a cell a spreadsheet would run: %q", cell)
			}
		}
	}

	// A fixed errors CSV goes through again without piling up error columns.
	_, third, out2, r3 := roundTrip(t, string(out), ReadOptions{})
	if got := strings.Join(r3.Header(), ","); got != "public_id,name,memo,location,industry,phone,error" {
		t.Errorf("second errors CSV header %q", got)
	}
	if third[0].Store != first[0].Store || !bytes.Equal(out, out2) {
		t.Errorf("second round differs:\n%s\n%s", out, out2)
	}
}

func TestErrorsCSVShiftJIS(t *testing.T) {
	in := "店舗ID,店舗名,所在地,業種,電話番号\r\nshibuya-01,渋谷店,東京都,restaurant,03-12\r\n"
	sjis, err := csvEncode(in)
	if err != nil {
		t.Fatal(err)
	}
	first, second, out, r2 := roundTrip(t, sjis, ReadOptions{Encoding: EncodingSJIS})
	if r2.Encoding() != EncodingSJIS || bytes.HasPrefix(out, utf8BOM) {
		t.Errorf("errors CSV in %s, BOM %v", r2.Encoding(), bytes.HasPrefix(out, utf8BOM))
	}
	if second[0].Store != first[0].Store || r2.Header()[1] != "店舗名" {
		t.Errorf("got %+v, %q", second[0].Store, r2.Header())
	}
	var buf bytes.Buffer
	e, err := NewErrorsCSV(&buf, []string{"name"}, EncodingSJIS)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Write(&Row{Raw: []string{"bad \uFFFD byte"}}, "platform said 🙅"); err != nil {
		t.Fatal(err)
	}
	if err := e.Flush(); err != nil {
		t.Fatalf("a message Shift_JIS cannot encode: %v", err)
	}
}

func csvEncode(s string) (string, error) {
	var buf bytes.Buffer
	w, err := newCSVWriter(&buf, EncodingSJIS)
	if err != nil {
		return "", err
	}
	records, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		return "", err
	}
	if err := w.WriteAll(records); err != nil {
		return "", err
	}
	return buf.String(), nil
}

func TestErrorsCSVLinesUpCells(t *testing.T) {
	var buf bytes.Buffer
	e, err := NewErrorsCSV(&buf, []string{"public_id", "name", "location"}, EncodingUTF8)
	if err != nil {
		t.Fatal(err)
	}
	rows := []*Row{
		{Raw: []string{"a-1"}},
		{Raw: []string{"a-2", "n", "l", "", ""}},
		{Raw: []string{"a-3", "n", "l", "extra"}},
	}
	for _, row := range rows {
		if err := e.Write(row, "msg"); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "\ufeffpublic_id,name,location,error\r\na-1,,,msg\r\na-2,n,l,msg\r\na-3,n,l,extra,msg\r\n"
	if got := buf.String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Found by FuzzValidate: a cell that EscapeFormula escapes because of a leading tab or CR must
// read back as it was, not as a lone ' once trimmed, or with its CR lost by the CRLF writer.
func TestErrorsCSVKeepsWhitespaceCells(t *testing.T) {
	in := header + "Bad ID,\"\t\",\"大阪\r梅田\",other,\"\r\"\n"
	first, second, _, _ := roundTrip(t, in, ReadOptions{})
	want := Store{"Bad ID", "", "大阪\n梅田", "other", ""}
	if first[0].Store != want || second[0].Store != want {
		t.Errorf("read %+v, back from the errors CSV %+v, want %+v", first[0].Store, second[0].Store, want)
	}
	if !slices.Equal(codes(first[0]), codes(second[0])) {
		t.Errorf("problems %v, back %v", first[0].Problems, second[0].Problems)
	}
}
