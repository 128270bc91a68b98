package importer

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

func TestWriteTemplate(t *testing.T) {
	tests := []struct {
		opts   TemplateOptions
		header string
		rows   int
	}{
		{TemplateOptions{}, "public_id,name,location,industry,phone", 0},
		{TemplateOptions{Lang: LangJA}, "店舗ID,店舗名,所在地,業種,電話番号", 0},
		{TemplateOptions{Lang: LangEN, Example: true}, "public_id,name,location,industry,phone", 3},
		{TemplateOptions{Lang: LangJA, Example: true, Encoding: EncodingSJIS}, "店舗ID,店舗名,所在地,業種,電話番号", 3},
		{TemplateOptions{Example: true, Encoding: EncodingSJIS}, "public_id,name,location,industry,phone", 3},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		if err := WriteTemplate(&buf, tt.opts); err != nil {
			t.Fatalf("%+v: %v", tt.opts, err)
		}
		out := buf.Bytes()
		sjis := tt.opts.Encoding == EncodingSJIS
		if bytes.HasPrefix(out, utf8BOM) == sjis {
			t.Errorf("%+v: BOM %v", tt.opts, !sjis)
		}
		if !bytes.Contains(out, []byte("\r\n")) {
			t.Errorf("%+v: lines do not end in CRLF", tt.opts)
		}
		rows, r, err := readAll(t, string(out), ReadOptions{})
		if err != nil {
			t.Fatalf("%+v: the template does not read back: %v", tt.opts, err)
		}
		if got := strings.Join(r.Header(), ","); got != tt.header || (r.Encoding() == EncodingSJIS) != sjis {
			t.Errorf("%+v: header %q in %s", tt.opts, got, r.Encoding())
		}
		if len(rows) != tt.rows {
			t.Fatalf("%+v: %d rows, want %d", tt.opts, len(rows), tt.rows)
		}
		industries := map[string]bool{}
		for _, row := range rows {
			if len(row.Problems) > 0 {
				t.Errorf("%+v: sample row %d: %v", tt.opts, row.Line, row.Problems)
			}
			industries[row.Store.Industry] = true
		}
		if tt.rows > 0 && (rows[0].Store.Name != "渋谷店" || rows[0].Store.Phone != "03-1234-5678" || len(industries) != tt.rows) {
			t.Errorf("%+v: samples %+v", tt.opts, rows)
		}
	}
}

func TestWriteTemplateRejectsUnknownOptions(t *testing.T) {
	for _, opts := range []TemplateOptions{{Lang: "fr"}, {Encoding: "latin1"}} {
		if err := WriteTemplate(&bytes.Buffer{}, opts); err == nil {
			t.Errorf("%+v: no error", opts)
		}
	}
}

// The CSV templates are what support has always sent, byte for byte.
func TestWriteTemplateCSVBytes(t *testing.T) {
	const jaExample = "店舗ID,店舗名,所在地,業種,電話番号\r\n" +
		"shibuya-01,渋谷店,東京都渋谷区道玄坂1-2-3,restaurant,03-1234-5678\r\n" +
		"umeda-hair,ヘアサロン梅田店,大阪府大阪市北区梅田2-4-9 梅田ビル3F,hair_salon,06-6345-1234\r\n" +
		"tenjin-clinic,天神クリニック,福岡県福岡市中央区天神1-8-1,clinic,092-711-4567\r\n"
	sjis, err := japanese.ShiftJIS.NewEncoder().String(jaExample)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		opts TemplateOptions
		want string
	}{
		{TemplateOptions{}, "\uFEFFpublic_id,name,location,industry,phone\r\n"},
		{TemplateOptions{Lang: LangJA, Example: true}, "\uFEFF" + jaExample},
		{TemplateOptions{Lang: LangJA, Example: true, Encoding: EncodingSJIS}, sjis},
	} {
		var buf bytes.Buffer
		if err := WriteTemplate(&buf, tt.opts); err != nil {
			t.Fatal(err)
		}
		if got := buf.String(); got != tt.want {
			t.Errorf("%+v:\n%q\nwant\n%q", tt.opts, got, tt.want)
		}
	}
}
