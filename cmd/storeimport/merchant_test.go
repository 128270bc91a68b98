package main

import (
	"archive/zip"
	"bytes"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	_ "github.com/mattn/go-sqlite3"
	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
)

var update = flag.Bool("update", false, "rewrite the files of testdata/merchant from merchantFixtures")

// merchantDir holds files as merchants send them, one per encoding or mistake; the
// merchant_*.txtar scripts run the tool on them and say what the report must be.
var merchantDir = filepath.Join("..", "..", "testdata", "merchant")

// Rows used by several fixtures, in UTF-8.
const (
	jaHeader = "店舗ID,店舗名,所在地,業種,電話番号"
	enHeader = "public_id,name,location,industry,phone"
	threeOK  = "shibuya-01,渋谷店,東京都渋谷区道玄坂1-2-3,restaurant,03-1234-5678\n" +
		"umeda-hair,ヘアサロン梅田店,大阪府大阪市北区梅田2-4-9,hair_salon,06-6345-1234\n" +
		"tenjin-clinic,天神クリニック,福岡県福岡市中央区天神1-8-1,clinic,\n"
)

// merchantFixtures are the files of testdata/merchant. They are generated, not typed, because
// most of them are bytes an editor does not keep: a BOM, CRLF line ends, Shift_JIS, NUL, UTF-16.
// TestMerchantFixtures checks that the committed files are exactly these.
func merchantFixtures() map[string][]byte {
	bom := func(s string) []byte { return append([]byte("\xEF\xBB\xBF"), s...) }
	crlf := func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }
	return map[string][]byte{
		// Encodings and the shapes Excel gives a file; each is valid and imports as it is.
		"utf8.csv":     []byte(enHeader + "\n" + threeOK),
		"utf8_bom.csv": bom(crlf(jaHeader + "\n" + threeOK)),
		// Excel on Japanese Windows, "CSV (コンマ区切り)": CP932, with characters only CP932 has.
		"sjis.csv": mustSJIS(crlf(jaHeader + "\n" +
			"shibuya-01,㈱渋谷フーズ 渋谷①号店,東京都渋谷区道玄坂１－２－３,restaurant,03-1234-5678\n" +
			"umeda-hair,ヘアサロン髙島屋前,大阪府大阪市北区梅田2-4-9,hair_salon,０６ー６３４５ー１２３４\n" +
			"tenjin-clinic,天神クリニック,福岡県福岡市中央区天神1-8-1,clinic,\n")),
		// Excel's "CSV UTF-8": BOM, CRLF, empty columns past the header, blank and comma-only
		// lines, a cell with a line break (Alt+Enter) and quotes.
		"excel_crlf.csv": bom(crlf(enHeader+",,\n"+
			"shibuya-01,渋谷店,東京都渋谷区道玄坂1-2-3,restaurant,03-1234-5678,,\n"+
			",,,,,,\n"+
			"\n") +
			"umeda-hair,\"ヘアサロン \"\"梅田\"\" 店\",\"大阪府大阪市北区\n梅田2-4-9\",hair_salon,06-6345-1234,,\r\n" +
			crlf("tenjin-clinic, 天神クリニック　,福岡県福岡市中央区天神1-8-1,Clinic,,,\n"+
				",,,,,,\n"+
				",,,,,,\n")),
		// What a Japanese IME types in a phone cell: full-width digits, each hyphen look-alike,
		// full-width spaces around values.
		"fullwidth_phone.csv": bom(crlf(jaHeader + "\n" +
			"shibuya-01,渋谷店,東京都渋谷区道玄坂1-2-3,restaurant,０３ー１２３４ー５６７８\n" +
			"umeda-hair,ヘアサロン梅田店,大阪府大阪市北区梅田2-4-9,hair_salon,０６−６３４５−１２３４\n" +
			"tenjin-clinic,天神クリニック,福岡県福岡市中央区天神1-8-1,clinic,\u3000092‐711‐4567\u3000\n" +
			"meguro-01,目黒ネイル,東京都目黒区上目黒1-2-3,beauty,０９０－１２３４－５６７８\n" +
			"kichijoji-01,吉祥寺ベーカリー,東京都武蔵野市吉祥寺本町1-10-1,restaurant,0422ｰ11ｰ2233\n")),
		// A phone column a spreadsheet took for numbers, as Excel and LibreOffice Calc take digits
		// typed without hyphens, saved as Shift_JIS: 0781234567 and 09012345678 lost their leading
		// 0, a long number is shown in scientific notation, 1/15 became a date. Beside them, what
		// keeps a number whole: hyphens, parentheses, full-width digits, a column formatted as text.
		"spreadsheet_phone.csv": mustSJIS(crlf(jaHeader + "\n" +
			"kobe-01,神戸店,兵庫県神戸市中央区三宮町1-1-1,restaurant,781234567\n" +
			"meguro-01,目黒ネイル,東京都目黒区上目黒1-2-3,beauty,9012345678\n" +
			"sakae-01,栄ジム,愛知県名古屋市中区栄3-5-1,fitness,9.01235E+09\n" +
			"tenjin-clinic,天神クリニック,福岡県福岡市中央区天神1-8-1,clinic,1月15日\n" +
			"shibuya-01,渋谷店,東京都渋谷区道玄坂1-2-3,restaurant,(03) 1234-5678\n" +
			"umeda-hair,ヘアサロン梅田店,大阪府大阪市北区梅田2-4-9,hair_salon,０９０－１２３４－５６７８\n" +
			"sannomiya-01,三宮店,兵庫県神戸市中央区三宮町2-2-2,restaurant,0781234567\n" +
			"ebisu-01,恵比寿店,東京都渋谷区恵比寿1-1-1,restaurant,09012345678\n")),
		// Japanese headers moved around and spaced out, and one mistake: the report names the
		// column as the file's header writes it.
		"reordered_ja.csv": bom(crlf("電話番号, 業種 ,\u3000店舗名\u3000,所在地,店舗ＩＤ\n" +
			"03-1234-5678,restaurant,渋谷店,東京都渋谷区道玄坂1-2-3,shibuya-01\n" +
			"06-6345-1234,美容室,ヘアサロン梅田店,大阪府大阪市北区梅田2-4-9,umeda-hair\n")),
		// A column the tool does not know, and the optional phone column renamed: both are
		// warnings, and the rows import without a phone.
		"extra_column.csv": []byte("public_id,name,備考,location,industry,TEL\n" +
			"shibuya-01,渋谷店,駅前,東京都渋谷区道玄坂1-2-3,restaurant,03-1234-5678\n" +
			"umeda-hair,ヘアサロン梅田店,,大阪府大阪市北区梅田2-4-9,hair_salon,06-6345-1234\n"),
		// A required column renamed: a file-level error naming what is missing.
		"renamed_column.csv": bom(crlf("店舗ID,店名,所在地,業種,電話番号\n" +
			"shibuya-01,渋谷店,東京都渋谷区道玄坂1-2-3,restaurant,03-1234-5678\n")),
		// The mistakes merchants make, one or two per row; line 14 is the example.
		"mistakes.csv": bom(crlf(jaHeader + "\n" +
			"shibuya-01,カフェ渋谷本店,東京都渋谷区道玄坂1-2-3,restaurant,03-1234-5678\n" + // 2: same ID as line 10
			"shinjuku-01,ヘアサロン新宿,東京都新宿区西新宿2-8-1,hair_salon,03-2345-6789\n" +
			"Ginza 01,銀座クリニック,東京都中央区銀座4-5-6,clinic,03-3456-7890\n" + // 4: ID
			"ueno-01,,東京都台東区上野7-1-1,fitness,\n" + // 5: no name
			"akihabara-01,秋葉原プログラミング教室,東京都千代田区外神田1-15-16,学習塾,03-5555-0101\n" + // 6: industry in Japanese
			"yokohama-01,横浜みなとみらい店,神奈川県横浜市西区みなとみらい2-2-1,restaurant,045-123-4567\n" +
			"kawasaki-01,川崎ヨガスタジオ,,fitness,044-222-3333\n" + // 8: no location
			"chiba-01,千葉英会話スクール,千葉県千葉市中央区富士見2-3-1,school,043-333-4444\n" +
			"shibuya-01,カフェ渋谷2号店,東京都渋谷区道玄坂2-1-1,restaurant,03-1234-0000\n" + // 10: same ID as line 2
			"omiya-01,大宮ヘアデザイン,埼玉県さいたま市大宮区桜木町1-7-5,hair_salon,048-444-5555\n" +
			"kyoto-01,京都町家カフェ,京都府京都市下京区四条通烏丸東入,cafe,075-555-6666\n" + // 12: industry
			"kobe-01,神戸歯科クリニック,兵庫県神戸市中央区三宮町1-1-1,clinic,078-777-8888\n" +
			"nagoya-01,名古屋ボクシングジム,愛知県名古屋市中村区名駅1-1-4,fitness,03-12\n" + // 14: phone too short
			"sapporo-01,札幌ピアノ教室,北海道札幌市中央区北5条西2-5,school,011-123-4567 内線12\n" + // 15: extension
			"naha-01,那覇マッサージ,沖縄県那覇市おもろまち4-1-1,other,+81-98-456-7890\n")), // 16: international, and a formula to Excel

		// Malformed files and rows.
		// A quote opened on line 3 and never closed: the rest of the file cannot be trusted.
		"unbalanced_quote.csv": []byte(enHeader + "\n" +
			"shibuya-01,渋谷店,東京都渋谷区道玄坂1-2-3,restaurant,03-1234-5678\n" +
			"umeda-hair,\"ヘアサロン梅田店,大阪府大阪市北区梅田2-4-9,hair_salon,06-6345-1234\n" +
			"tenjin-clinic,天神クリニック,福岡県福岡市中央区天神1-8-1,clinic,\n"),
		// A quote inside an unquoted cell: only that line is lost.
		"stray_quote.csv": []byte(enHeader + "\n" +
			"shibuya-01,渋谷店,東京都渋谷区道玄坂1-2-3,restaurant,03-1234-5678\n" +
			"umeda-hair,ヘアサロン\"梅田\"店,大阪府大阪市北区梅田2-4-9,hair_salon,06-6345-1234\n" +
			"tenjin-clinic,天神クリニック,福岡県福岡市中央区天神1-8-1,clinic,\n"),
		// An unquoted comma in an address (one cell too many), and a row missing its last cells.
		"ragged.csv": []byte(enHeader + "\n" +
			"shibuya-01,渋谷店,東京都渋谷区道玄坂1-2-3,restaurant,03-1234-5678\n" +
			"umeda-hair,ヘアサロン梅田店,大阪府大阪市北区梅田2-4-9, 梅田ビル3F,hair_salon,06-6345-1234\n" +
			"tenjin-clinic,天神クリニック,福岡県福岡市中央区天神1-8-1\n" +
			"namba-01,なんば店,大阪府大阪市中央区難波5-1-60,other,\n"),
		// A NUL byte in a name on line 3, as a damaged file has.
		"nul.csv": []byte(enHeader + "\n" +
			"shibuya-01,渋谷店,東京都渋谷区道玄坂1-2-3,restaurant,03-1234-5678\n" +
			"umeda-hair,ヘアサロン\x00梅田店,大阪府大阪市北区梅田2-4-9,hair_salon,06-6345-1234\n" +
			"tenjin-clinic,天神クリニック,福岡県福岡市中央区天神1-8-1,clinic,\n"),
		// A location cell of 70,000 bytes on line 3: over the 64 KiB a cell may have.
		"big_field.csv": []byte(enHeader + "\n" +
			"shibuya-01,渋谷店,東京都渋谷区道玄坂1-2-3,restaurant,03-1234-5678\n" +
			"umeda-hair,ヘアサロン梅田店,\"" + strings.Repeat("梅田", 70_000/6) + "\",hair_salon,06-6345-1234\n" +
			"tenjin-clinic,天神クリニック,福岡県福岡市中央区天神1-8-1,clinic,\n"),
		// UTF-16 as Excel's "Unicode text" writes it (with a BOM), and without a BOM.
		"utf16_bom.csv": utf16LE("\uFEFF" + jaHeader + "\r\n" + crlf(threeOK)),
		"utf16le.csv":   utf16LE(enHeader + "\r\n" + crlf(threeOK)),
		// A zip that holds no workbook (no xl/workbook.xml), named .xlsx: binary data like any other
		// (merchant_workbook.txtar has real workbooks).
		"binary.xlsx": zipOf("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types/>`),
		// A Western tool's ANSI file: Windows-1252 is neither UTF-8 nor Shift_JIS.
		"cp1252.csv": mustEncode(charmap.Windows1252.NewEncoder().String, enHeader+"\n"+
			"cafe-01,Café Zürich,Bahnhofstraße 1,restaurant,\n"),
	}
}

func mustSJIS(s string) []byte { return mustEncode(japanese.ShiftJIS.NewEncoder().String, s) }

func mustEncode(encode func(string) (string, error), s string) []byte {
	b, err := encode(s)
	if err != nil {
		panic(fmt.Sprintf("encoding a fixture: %v", err))
	}
	return []byte(b)
}

func utf16LE(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func zipOf(name, content string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
	if err == nil {
		_, err = w.Write([]byte(content))
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		panic(fmt.Sprintf("zipping a fixture: %v", err))
	}
	return buf.Bytes()
}

// TestMerchantFixtures keeps testdata/merchant what merchantFixtures says. To change a fixture,
// change merchantFixtures and run: go test ./cmd/storeimport -run TestMerchantFixtures -update
func TestMerchantFixtures(t *testing.T) {
	fixtures := merchantFixtures()
	if *update {
		if err := os.MkdirAll(merchantDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, data := range fixtures {
			if err := os.WriteFile(filepath.Join(merchantDir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	entries, err := os.ReadDir(merchantDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue // .gitattributes
		}
		if strings.HasPrefix(e.Name(), calcPrefix) {
			continue // TestCalcFixturesHaveReports
		}
		want, ok := fixtures[e.Name()]
		if !ok {
			t.Errorf("%s is not a fixture merchantFixtures makes: remove it or add it there", e.Name())
			continue
		}
		got, err := os.ReadFile(filepath.Join(merchantDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from merchantFixtures: run go test ./cmd/storeimport -run TestMerchantFixtures -update", e.Name())
		}
		delete(fixtures, e.Name())
	}
	for name := range fixtures {
		t.Errorf("%s is missing: run go test ./cmd/storeimport -run TestMerchantFixtures -update", name)
	}
}

// calcPrefix starts the names of the files of testdata/merchant made by LibreOffice Calc from
// typed input (scripts/merchant-fixtures.sh), committed as the application wrote them.
const calcPrefix = "calc_"

// TestCalcFixturesHaveReports keeps each file scripts/merchant-fixtures.sh made under test: a
// merchant_*.txtar script validates it and says what the report must be.
func TestCalcFixturesHaveReports(t *testing.T) {
	entries, err := os.ReadDir(merchantDir)
	if err != nil {
		t.Fatal(err)
	}
	scripts, err := filepath.Glob(filepath.Join("testdata", "script", "merchant_*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, name := range scripts {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(data)
	}
	n := 0
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), calcPrefix) {
			continue
		}
		n++
		if !strings.Contains(all.String(), "validate --org org_1 --format csv merchant/"+e.Name()+"\n") {
			t.Errorf("%s: no merchant_*.txtar validates it with --format csv: add its expected report", e.Name())
		}
	}
	if n == 0 {
		t.Errorf("no %s* files in %s: run scripts/merchant-fixtures.sh", calcPrefix, merchantDir)
	}
}

// copyMerchant puts testdata/merchant in the script's work directory as merchant/.
func copyMerchant(dir string) error {
	entries, err := os.ReadDir(merchantDir)
	if err != nil {
		return err
	}
	if err := os.Mkdir(filepath.Join(dir, "merchant"), 0o755); err != nil {
		return err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(merchantDir, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "merchant", e.Name()), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// cmdToSJIS saves a UTF-8 file (BOM or not) as Excel on Japanese Windows does: CP932.
//
//	tosjis IN OUT
func cmdToSJIS(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: tosjis IN OUT")
	}
	text := strings.TrimPrefix(ts.ReadFile(args[0]), "\uFEFF")
	out, err := japanese.ShiftJIS.NewEncoder().String(text)
	if err != nil {
		ts.Fatalf("%s has characters Shift_JIS cannot hold: %v", args[0], err)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(out), 0o644))
}

// cmdFromSJIS turns a Shift_JIS file into UTF-8, to grep it or edit it with replace. It fails
// on bytes that are not Shift_JIS, so it also checks that a file is Shift_JIS.
//
//	fromsjis IN OUT
func cmdFromSJIS(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: fromsjis IN OUT")
	}
	raw, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	if bytes.HasPrefix(raw, []byte("\xEF\xBB\xBF")) {
		ts.Fatalf("%s starts with a UTF-8 BOM, it is not Shift_JIS", args[0])
	}
	text, err := japanese.ShiftJIS.NewDecoder().Bytes(raw)
	ts.Check(err)
	if bytes.ContainsRune(text, '\uFFFD') {
		ts.Fatalf("%s has bytes that are not Shift_JIS", args[0])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), text, 0o644))
}

// cmdReplace edits a UTF-8 file as a merchant would, replacing every OLD with NEW. OLD must be
// there: an edit that changes nothing would let a script test less than it says.
//
//	replace FILE OLD NEW
func cmdReplace(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: replace FILE OLD NEW")
	}
	text := ts.ReadFile(args[0])
	if !strings.Contains(text, args[1]) {
		ts.Fatalf("%s does not contain %q", args[0], args[1])
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(strings.ReplaceAll(text, args[1], args[2])), 0o644))
}

// cmdDBStore checks a column of a store in the local database, as the import wrote it.
//
//	dbstore DB PUBLIC_ID COLUMN VALUE
func cmdDBStore(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 4 {
		ts.Fatalf("usage: dbstore DB PUBLIC_ID COLUMN VALUE")
	}
	columns := []string{"name", "location", "industry", "phone"}
	if !slices.Contains(columns, args[2]) {
		ts.Fatalf("dbstore: COLUMN must be one of %v", columns)
	}
	db, err := sql.Open("sqlite3", "file:"+ts.MkAbs(args[0])+"?mode=ro")
	ts.Check(err)
	defer db.Close()
	var got string
	// The column is one of the names above, never the script's text.
	ts.Check(db.QueryRow("SELECT "+args[2]+" FROM stores WHERE public_id = ?", args[1]).Scan(&got))
	if got != args[3] {
		ts.Fatalf("store %s has %s %q, want %q", args[1], args[2], got, args[3])
	}
}
