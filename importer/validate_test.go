package importer

import (
	"io"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

func column(t *testing.T, name string) *Column {
	t.Helper()
	i, ok := columnByKey[name]
	if !ok {
		t.Fatalf("no column %q", name)
	}
	return &columns[i]
}

func TestColumnCheck(t *testing.T) {
	tests := []struct {
		column, in, want string
		codes            []Code
	}{
		{"public_id", "shibuya-01", "shibuya-01", nil},
		{"public_id", "abc", "abc", nil},
		{"public_id", "0-a", "0-a", nil},
		{"public_id", strings.Repeat("a", 63), strings.Repeat("a", 63), nil},
		{"public_id", strings.Repeat("a", 64), strings.Repeat("a", 64), []Code{CodeBadID}},
		{"public_id", "ab", "ab", []Code{CodeBadID}},
		{"public_id", "-abc", "-abc", []Code{CodeBadID}},
		{"public_id", "Shibuya-01", "Shibuya-01", []Code{CodeBadID}},
		{"public_id", "shibuya_01", "shibuya_01", []Code{CodeBadID}},
		{"public_id", "渋谷", "渋谷", []Code{CodeBadID}},
		{"public_id", "", "", []Code{CodeRequired}},

		{"name", "渋谷店", "渋谷店", nil},
		{"name", strings.Repeat("店", 100), strings.Repeat("店", 100), nil},
		{"name", strings.Repeat("店", 101), strings.Repeat("店", 101), []Code{CodeTooLong}},
		{"name", "渋谷\t店", "渋谷\t店", []Code{CodeControl}},
		{"name", "渋谷\n店", "渋谷\n店", []Code{CodeControl}},
		{"name", strings.Repeat("店", 100) + "\x7f", strings.Repeat("店", 100) + "\x7f", []Code{CodeTooLong, CodeControl}},
		{"name", "", "", []Code{CodeRequired}},

		{"location", "東京都渋谷区道玄坂1-2-3", "東京都渋谷区道玄坂1-2-3", nil},
		{"location", "大阪府\n梅田", "大阪府\n梅田", nil},
		{"location", strings.Repeat("町", 200), strings.Repeat("町", 200), nil},
		{"location", strings.Repeat("町", 201), strings.Repeat("町", 201), []Code{CodeTooLong}},
		{"location", "", "", []Code{CodeRequired}},

		{"industry", "restaurant", "restaurant", nil},
		{"industry", "hair_salon", "hair_salon", nil},
		{"industry", "other", "other", nil},
		{"industry", "Restaurant", "restaurant", nil},
		{"industry", "ｃｌｉｎｉｃ", "clinic", nil},
		{"industry", "cafe", "cafe", []Code{CodeNotAllowed}},
		{"industry", "hair salon", "hair salon", []Code{CodeNotAllowed}},
		{"industry", "", "", []Code{CodeRequired}},

		{"phone", "", "", nil},
		{"phone", "03-1234-5678", "03-1234-5678", nil},
		{"phone", "0312345678", "0312345678", nil},
		{"phone", "090-1234-5678", "090-1234-5678", nil},
		{"phone", "09012345678", "09012345678", nil},
		{"phone", "０３－１２３４－５６７８", "03-1234-5678", nil},
		{"phone", "03ー1234ー5678", "03-1234-5678", nil},
		{"phone", "03−1234−5678", "03-1234-5678", nil},
		{"phone", "03‐1234‐5678", "03-1234-5678", nil},
		{"phone", "03–1234—5678", "03-1234-5678", nil},
		{"phone", "03ｰ1234ｰ5678", "03-1234-5678", nil},
		{"phone", "0781234567", "0781234567", nil},
		{"phone", "０９０－１２３４－５６７８", "090-1234-5678", nil},
		{"phone", "(03) 1234-5678", "(03) 1234-5678", nil},
		{"phone", "（０３）１２３４－５６７８", "(03)1234-5678", nil},
		{"phone", "03 1234 5678", "03 1234 5678", nil},
		{"phone", "03　1234　5678", "03 1234 5678", nil},
		{"phone", "-0312345678", "-0312345678", nil},
		{"phone", "03--12345678", "03--12345678", nil},
		{"phone", "03-12", "03-12", []Code{CodeBadPhone}},
		{"phone", "031234567", "031234567", []Code{CodeBadPhone}},
		{"phone", "090123456789", "090123456789", []Code{CodeBadPhone}},
		{"phone", "03-1234-567a", "03-1234-567a", []Code{CodeBadPhone}},
		{"phone", "+81-3-1234-5678", "+81-3-1234-5678", []Code{CodeBadPhone}},
		{"phone", "011-123-4567 内線12", "011-123-4567 内線12", []Code{CodeBadPhone}},
		{"phone", "0312345678#", "0312345678#", []Code{CodeBadPhone}},
		{"phone", "--", "--", []Code{CodeBadPhone}},
		{"phone", "()", "()", []Code{CodeBadPhone}},
		// A spreadsheet that took the number for a number dropped its leading 0.
		{"phone", "781234567", "781234567", []Code{CodePhoneNoLeadingZero}},
		{"phone", "9012345678", "9012345678", []Code{CodePhoneNoLeadingZero}},
		{"phone", "９０１２３４５６７８", "９０１２３４５６７８", []Code{CodePhoneNoLeadingZero}},
		// With a separator the cell was text: the 0 was never typed, and the rule says it is needed.
		{"phone", "90-1234-5678", "90-1234-5678", []Code{CodeBadPhone}},
		{"phone", "(90) 1234 5678", "(90) 1234 5678", []Code{CodeBadPhone}},
		{"phone", "1-15", "1-15", []Code{CodeBadPhone}},
		// ... and showed a long one in scientific notation.
		{"phone", "9.01235E+09", "9.01235E+09", []Code{CodePhoneScientific}},
		{"phone", "9.01235e+09", "9.01235e+09", []Code{CodePhoneScientific}},
		{"phone", "9,01235E+09", "9,01235E+09", []Code{CodePhoneScientific}},
		{"phone", "9E+10", "9E+10", []Code{CodePhoneScientific}},
		{"phone", "７．８１２３５Ｅ＋０８", "７．８１２３５Ｅ＋０８", []Code{CodePhoneScientific}},
		// A spreadsheet that took what was typed for a date shows the date.
		{"phone", "2025/1/15", "2025/1/15", []Code{CodePhoneDate}},
		{"phone", "2025-01-15", "2025-01-15", []Code{CodePhoneDate}},
		{"phone", "2025/01/15 0:00", "2025/01/15 0:00", []Code{CodePhoneDate}},
		{"phone", "1/15", "1/15", []Code{CodePhoneDate}},
		{"phone", "1/15/2025", "1/15/2025", []Code{CodePhoneDate}},
		{"phone", "1月15日", "1月15日", []Code{CodePhoneDate}},
		{"phone", "2025年1月15日", "2025年1月15日", []Code{CodePhoneDate}},
		{"phone", "令和7年1月15日", "令和7年1月15日", []Code{CodePhoneDate}},
		{"phone", "15-Jan", "15-Jan", []Code{CodePhoneDate}},
		{"phone", "15-Jan-25", "15-Jan-25", []Code{CodePhoneDate}},
		{"phone", "Jan-25", "Jan-25", []Code{CodePhoneDate}},
		{"phone", "１５－ｊａｎ", "１５－ｊａｎ", []Code{CodePhoneDate}},
	}
	for _, tt := range tests {
		got, problems := column(t, tt.column).check(tt.in)
		var codes []Code
		for _, p := range problems {
			codes = append(codes, p.Code)
		}
		if got != tt.want || !slices.Equal(codes, tt.codes) {
			t.Errorf("%s %q: got %q %v, want %q %v", tt.column, tt.in, got, codes, tt.want, tt.codes)
		}
	}
}

func TestProblemRender(t *testing.T) {
	p := Problem{Column: "電話番号", Code: CodeBadPhone, Value: "03-12"}
	if got, want := p.Render(LangEN), `電話番号: "03-12" is not a phone number (10 or 11 digits starting with 0, hyphens optional)`; got != want {
		t.Errorf("en: got %q, want %q", got, want)
	}
	if got := p.Render(LangJA); !strings.HasPrefix(got, `電話番号: "03-12" は電話番号ではありません`) {
		t.Errorf("ja: got %q", got)
	}
	if got := p.String(); got != p.Render(LangEN) {
		t.Errorf("String() = %q, want the English rendering", got)
	}
	odd := Problem{Column: "memo\r\nnote", Code: CodeNUL}
	if got, want := odd.Render(LangEN), `"memo\r\nnote": contains a NUL byte`; !strings.HasPrefix(got, want) {
		t.Errorf("a column name with a line break: got %q, want it quoted on one line", got)
	}
}

// A problem of a workbook's cell names the cell as well as the column, as the spreadsheet shows
// it; a cell outside every column (right of the header) is named alone.
func TestProblemRenderNamesTheCell(t *testing.T) {
	p := Problem{Column: "電話番号", Cell: "E5", Code: CodeBadPhone, Value: "03-12"}
	if got, want := p.Render(LangEN), `電話番号 (E5): "03-12" is not a phone number`; !strings.HasPrefix(got, want) {
		t.Errorf("en: got %q, want it to start with %q", got, want)
	}
	if got, want := p.Render(LangJA), `電話番号 (E5): "03-12" は電話番号ではありません`; !strings.HasPrefix(got, want) {
		t.Errorf("ja: got %q, want it to start with %q", got, want)
	}
	outside := Problem{Cell: "G5", Code: CodeNUL}
	if got, want := outside.Render(LangEN), "G5: contains a NUL byte"; !strings.HasPrefix(got, want) {
		t.Errorf("got %q, want it to start with %q", got, want)
	}
}

// A number a spreadsheet changed says what happened and how to keep the number as typed, in the
// merchant's language.
func TestPhoneFromASpreadsheetSaysWhy(t *testing.T) {
	tests := []struct {
		in     string
		en, ja []string
	}{
		{"9012345678", []string{"does not start with 0", "leading 0 is missing", "spreadsheet", "text (文字列)", "keep the hyphens", "type the number again"},
			[]string{"先頭の0が欠けています", "表計算ソフト", "「文字列」", "ハイフン", "入力し直してください"}},
		{"9.01235E+09", []string{"scientific notation", "spreadsheet", "leading 0", "text (文字列)", "keep the hyphens", "type the number again"},
			[]string{"指数表記", "表計算ソフト", "先頭の0", "「文字列」", "ハイフン", "入力し直してください"}},
		{"2025/1/15", []string{"is a date", "spreadsheet", "text (文字列)", "type the number again"},
			[]string{"日付", "表計算ソフト", "「文字列」", "入力し直してください"}},
	}
	for _, tt := range tests {
		_, problems := column(t, "phone").check(tt.in)
		if len(problems) != 1 {
			t.Fatalf("%q: %v", tt.in, problems)
		}
		p := problems[0]
		p.Column = "電話番号"
		for lang, want := range map[string][]string{LangEN: tt.en, LangJA: tt.ja} {
			got := p.Render(lang)
			if !strings.HasPrefix(got, `電話番号: "`+tt.in+`" `) {
				t.Errorf("%q in %s: %q does not show the value as it is", tt.in, lang, got)
			}
			for _, w := range want {
				if !strings.Contains(got, w) {
					t.Errorf("%q in %s: %q does not say %q", tt.in, lang, got, w)
				}
			}
		}
	}
}

// rowCodes are the codes of row problems, each of which must render in each language.
var rowCodes = []Code{CodeRequired, CodeTooLong, CodeControl, CodeBadID, CodeNotAllowed, CodeBadPhone,
	CodePhoneNoLeadingZero, CodePhoneScientific, CodePhoneDate,
	CodeCellCount, CodeCellTooLarge, CodeNUL, CodeNotUTF8, CodeNotSJIS, CodeStrayQuote, CodeDuplicate,
	CodeNumberCell, CodeDateCell, CodeErrorCell}

// Every code has its own sentence in each language, not the fallback of the bare code.
func TestProblemRenderEveryCode(t *testing.T) {
	seen := map[string]Code{}
	for _, code := range rowCodes {
		p := Problem{Column: "col", Code: code, Value: "v@lue", Limit: 2048, Count: 3, Allowed: []string{"a", "b"}}
		for _, lang := range []string{LangEN, LangJA} {
			got := p.Render(lang)
			if !strings.HasPrefix(got, "col: ") || got == "col: "+string(code) || strings.Contains(got, "%!") {
				t.Errorf("%s in %s: %q", code, lang, got)
			}
			if other, dup := seen[got]; dup {
				t.Errorf("%s and %s render alike: %q", code, other, got)
			}
			seen[got] = code
		}
	}
	long := Problem{Code: CodeTooLong, Value: strings.Repeat("あ", 150), Count: 150, Limit: 100}
	if got := long.Render(LangEN); strings.Count(got, "あ") != 40 || !strings.Contains(got, "…") {
		t.Errorf("a long value is not shortened: %q", got)
	}
	if got := (Problem{Code: CodeControl, Value: "a\tb"}).Render(LangEN); !strings.Contains(got, `"a\tb"`) {
		t.Errorf("a control character is not made visible: %q", got)
	}
}

// The errors CSV of a Shift_JIS file is Shift_JIS too: a Japanese message must not lose a
// character to '?' on the way (U+301C WAVE DASH, for one, has no CP932 code; U+FF5E has).
func TestJapaneseMessagesFitShiftJIS(t *testing.T) {
	enc := japanese.ShiftJIS.NewEncoder()
	for _, code := range rowCodes {
		msg := Problem{Column: "店舗ID", Code: code, Value: "x", Limit: 2048, Count: 3, Allowed: []string{"a"}}.Render(LangJA)
		if _, err := enc.String(msg); err != nil {
			t.Errorf("%s: %q is not Shift_JIS: %v", code, msg, err)
		}
	}
	fileCodes := []FileCode{FileEmpty, FileUTF16, FileNotText, FileUnknownEncoding, FileNotUTF8, FileNotSJIS,
		FileBadHeader, FileHeaderControl, FileMissingColumns, FileDuplicateColumn, FileUnclosedQuote, FileRecordTooLong, FileTooManyCells, FileRead,
		FileWorkbookLocked, FileOldWorkbook, FileLockedOrOld, FileDamagedWorkbook, FileWorkbookTooLarge, FileSeveralSheets, FileNoSuchSheet}
	for _, code := range fileCodes {
		fe := &FileError{Code: code, Line: 3, Sheet: "店舗一覧", Offset: 7, Names: []string{"a", "b"}, Err: io.ErrUnexpectedEOF}
		if msg := fe.Render(LangJA); msg == string(code) {
			t.Errorf("%s has no message", code)
		} else if _, err := enc.String(msg); err != nil {
			t.Errorf("%s: %q is not Shift_JIS: %v", code, msg, err)
		}
	}
}
