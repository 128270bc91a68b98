package importer

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// The languages problems and templates come in.
const (
	LangEN = "en"
	LangJA = "ja"
)

// Code says what is wrong with a row; with the Problem's other fields it is all a message needs,
// so the same problem can be rendered in each language.
type Code string

// Codes of row problems.
const (
	CodeRequired           Code = "required"              // the cell is empty
	CodeTooLong            Code = "too_long"              // Count characters, Limit allowed
	CodeControl            Code = "control_character"     // a tab, line break or other control character
	CodeBadID              Code = "bad_id"                // not a public_id
	CodeNotAllowed         Code = "not_allowed"           // not one of Allowed
	CodeBadPhone           Code = "bad_phone"             // not a Japanese phone number
	CodePhoneNoLeadingZero Code = "phone_no_leading_zero" // digits that do not start with 0, as a spreadsheet leaves them
	CodePhoneScientific    Code = "phone_scientific"      // a number a spreadsheet wrote in scientific notation
	CodePhoneDate          Code = "phone_date"            // a date a spreadsheet made of what was typed
	CodeCellCount          Code = "cell_count"            // Count cells on the line, Limit in the header
	CodeCellTooLarge       Code = "cell_too_large"        // the cell is over Limit bytes
	CodeNUL                Code = "nul_byte"              // the cell has a NUL byte
	CodeNotUTF8            Code = "not_utf8"              // the cell has bytes that are not UTF-8
	CodeNotSJIS            Code = "not_sjis"              // the cell has bytes that are not Shift_JIS
	CodeStrayQuote         Code = "stray_quote"           // a double quote where CSV allows none
	CodeDuplicate          Code = "duplicate"             // the public_id is on Count other lines too, Lines naming a few
	CodeNumberCell         Code = "number_cell"           // a workbook's cell holds a number, not text
	CodeDateCell           Code = "date_cell"             // a workbook's cell holds a date or a time, not text
	CodeErrorCell          Code = "error_cell"            // a workbook's cell holds a formula's error, such as #N/A
	CodeUnsavedFormula     Code = "unsaved_formula"       // a workbook's cell holds a formula whose value was never saved
)

// Problem is one thing wrong with a row.
type Problem struct {
	Column  string // the column's header as written in the file; "" when the record as a whole is at fault
	Cell    string // in a workbook, the cell at fault as the spreadsheet names it (E5); "" in a CSV
	Code    Code
	Value   string   // the offending value, trimmed; "" when the problem is not about a value
	Limit   int      // what is allowed: characters (CodeTooLong), cells (CodeCellCount), bytes (CodeCellTooLarge)
	Count   int      // what there is, in the same unit as Limit
	Allowed []string // CodeNotAllowed: the values allowed
	Lines   []int    // CodeDuplicate: some of the other lines the value is on
}

// String renders the problem in English.
func (p Problem) String() string {
	return p.Render(LangEN)
}

// Render says what is wrong and what is expected, in lang ("ja" or else English), prefixed with
// the column as the merchant's header writes it (quoted if it must be: an unknown column's name
// can hold anything) and, in a workbook, the cell, which is where a spreadsheet user looks.
func (p Problem) Render(lang string) string {
	return Located(p.Column, p.Cell, p.Message(lang))
}

// Located is a problem's message as the report writes it: after the column and the cell, those
// of them there are. A page that shows them apart gives the report's text back with it.
func Located(column, cell, message string) string {
	switch {
	case column == "" && cell == "":
		return message
	case cell == "":
		return QuoteIfControl(column) + ": " + message
	case column == "":
		return cell + ": " + message
	}
	return QuoteIfControl(column) + " (" + cell + "): " + message
}

// QuoteIfControl shows the merchant's text in the report: as it is, unless it holds a line break
// or another control character (an escape sequence would drive the terminal) or bytes that are
// not UTF-8 (a lone 0x9b is an escape to some terminals). Then it is quoted, so that the report
// stays one line a row and what is there can be seen.
func QuoteIfControl(s string) string {
	if strings.ContainsFunc(s, unicode.IsControl) || !utf8.ValidString(s) {
		return strconv.Quote(s)
	}
	return s
}

// Message says what is wrong and what is expected, in lang ("ja" or else English), without the
// column or cell Render puts first: for a page that shows the column in a column of its own.
func (p Problem) Message(lang string) string {
	ja := lang == LangJA
	v := quoteValue(p.Value)
	switch p.Code {
	case CodeRequired:
		return pick(ja, "is empty; this column is required", "空欄です（必須項目）")
	case CodeTooLong:
		return pick(ja, fmt.Sprintf("%s is %d characters; at most %d are allowed", v, p.Count, p.Limit),
			fmt.Sprintf("%s は%d文字です（%d文字以内）", v, p.Count, p.Limit))
	case CodeControl:
		return pick(ja, fmt.Sprintf("%s contains a control character (such as a tab or line break); remove it", v),
			fmt.Sprintf("%s に制御文字（タブや改行など）が含まれています。削除してください", v))
	case CodeBadID:
		return pick(ja, fmt.Sprintf("%s is not a valid ID: use %s", v, idRule.en),
			fmt.Sprintf("%s はIDとして使えません。%sにしてください", v, idRule.ja))
	case CodeNotAllowed:
		list := strings.Join(p.Allowed, ", ")
		return pick(ja, fmt.Sprintf("%s is not allowed; use one of %s", v, list),
			fmt.Sprintf("%s は使えません。次のいずれかにしてください: %s", v, list))
	case CodeBadPhone:
		return pick(ja, fmt.Sprintf("%s is not a phone number (%s)", v, phoneRule.en),
			fmt.Sprintf("%s は電話番号ではありません（%s）", v, phoneRule.ja))
	case CodePhoneNoLeadingZero:
		return pick(ja, fmt.Sprintf("%s does not start with 0: the leading 0 is missing, as a spreadsheet drops it when the cell is a number; %s", v, retypePhone.en),
			fmt.Sprintf("%s は先頭の0が欠けています（表計算ソフトはセルが数値だと先頭の0を消します）。%s", v, retypePhone.ja))
	case CodePhoneScientific:
		return pick(ja, fmt.Sprintf("%s is a number in scientific notation, as a spreadsheet shows a long number: its digits and its leading 0 are lost; %s", v, retypePhone.en),
			fmt.Sprintf("%s は指数表記の数値です（表計算ソフトが長い数値をこう表示し、桁と先頭の0が失われています）。%s", v, retypePhone.ja))
	case CodePhoneDate:
		return pick(ja, fmt.Sprintf("%s is a date, which a spreadsheet made of what was typed; format the column as text (文字列) and type the number again", v),
			fmt.Sprintf("%s は日付です（表計算ソフトが入力を日付に変えました）。列の表示形式を「文字列」にして、番号を入力し直してください", v))
	case CodeCellCount:
		return pick(ja, fmt.Sprintf("the line has %d cells but the header has %d; a cell that contains a comma must be in double quotes", p.Count, p.Limit),
			fmt.Sprintf("この行のセル数は%dですが、見出しは%d列です。カンマを含むセルはダブルクォートで囲んでください", p.Count, p.Limit))
	case CodeCellTooLarge:
		return pick(ja, fmt.Sprintf("the cell is over %d KiB", p.Limit/1024),
			fmt.Sprintf("セルが%d KiBを超えています", p.Limit/1024))
	case CodeNUL:
		return pick(ja, "contains a NUL byte, so the file may be damaged; remove it",
			"NULバイトが含まれています（ファイルが壊れている可能性があります）。削除してください")
	case CodeNotUTF8:
		return pick(ja, fmt.Sprintf("%s has bytes that are not UTF-8; if the file is Shift_JIS, use --encoding sjis", v),
			fmt.Sprintf("%s にUTF-8ではないバイトが含まれています。Shift_JISのファイルなら --encoding sjis を指定してください", v))
	case CodeNotSJIS:
		return pick(ja, fmt.Sprintf("%s has bytes that are not Shift_JIS; if the file is UTF-8, use --encoding utf8", v),
			fmt.Sprintf("%s にShift_JISではないバイトが含まれています。UTF-8のファイルなら --encoding utf8 を指定してください", v))
	case CodeDuplicate:
		// The id in full, not shortened: the merchant looks for it as it is.
		return msgDuplicate.in(langOf(ja), p.Value, p.otherLines(langOf(ja)))
	case CodeNumberCell, CodeDateCell:
		what := map[Code]message{CodeNumberCell: {"a number", "数値"}, CodeDateCell: {"a date", "日付"}}[p.Code]
		return pick(ja, fmt.Sprintf("%s is %s cell, not text: format the column as text (文字列) and type it again", v, what.en),
			fmt.Sprintf("%s は%sのセルで、文字列ではありません。列の表示形式を「文字列」にして、入力し直してください", v, what.ja))
	case CodeErrorCell:
		return pick(ja, fmt.Sprintf("%s is a formula's error, not a value: correct the formula, or type the value in its place", v),
			fmt.Sprintf("%s は数式のエラーです。数式を直すか、値を入力してください", v))
	case CodeUnsavedFormula:
		return pick(ja, "is a formula whose value the file does not hold (it was written by a program and never opened in a spreadsheet): open the file in Excel and save it again, or type the value in its place",
			"値が保存されていない数式です（プログラムで作られ、表計算ソフトで開かれていません）。Excel で開いて保存し直すか、値を入力してください")
	case CodeStrayQuote:
		return pick(ja, `a double quote (") is out of place; put the cell in double quotes and double each quote inside it ("")`,
			`ダブルクォート（"）の位置が正しくありません。セルをダブルクォートで囲み、中のダブルクォートは2つ重ねてください（""）`)
	}
	return string(p.Code)
}

func pick(ja bool, en, jaText string) string {
	if ja {
		return jaText
	}
	return en
}

// langOf is the language a message function's ja flag stands for, for the messages of messages.go.
func langOf(ja bool) string { return pick(ja, LangEN, LangJA) }

// quoteValue shows a value in a message: quoted, so that spaces and control characters are
// visible, and shortened, so that a pasted paragraph does not bury the message.
func quoteValue(v string) string {
	const most = 40
	if utf8.RuneCountInString(v) > most {
		v = string([]rune(v)[:most]) + "…"
	}
	return strconv.Quote(v)
}

// rule checks one trimmed, non-empty value of column c and returns it normalized, with what is
// wrong with it.
type rule func(c *Column, v string) (string, []Problem)

// ruleKind is a rule as Store's rule tag names it: its check, and the words that state what it
// allows (ruletext.go), so that the template says what the check holds a value to.
type ruleKind struct {
	check rule
	text  func(c *Column, ja bool) string
	// spreadsheet, where the rule has words of its own for a workbook's cell that holds a number
	// or a date (see notText), says which fit the cell as shown; nil where the rule has none.
	spreadsheet func(v string, kind cellKind) (Code, bool)
}

var rules = map[string]ruleKind{
	"id":    {checkID, idText, nil},
	"text":  {checkText, textText, nil},
	"line":  {checkLine, lineText, nil},
	"oneof": {checkOneOf, oneOfText, nil},
	"phone": {checkPhone, phoneText, phoneCell},
}

// check validates one cell of column c, already trimmed.
func (c *Column) check(v string) (string, []Problem) {
	if v == "" {
		if c.Required {
			return v, []Problem{{Code: CodeRequired}}
		}
		return v, nil
	}
	return c.kind.check(c, v)
}

// checkID accepts what the README states as the pattern ^[a-z0-9][a-z0-9-]{2,62}$, tested
// against that regexp; as a loop over the bytes it costs a fraction of the match, which counts
// when a million ids are validated.
func checkID(_ *Column, v string) (string, []Problem) {
	if !isPublicID(v) {
		return v, []Problem{{Code: CodeBadID, Value: v}}
	}
	return v, nil
}

func isPublicID(v string) bool {
	if len(v) < 3 || len(v) > 63 || v[0] == '-' {
		return false
	}
	for i := range len(v) {
		if c := v[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

func checkText(c *Column, v string) (string, []Problem) {
	if n := utf8.RuneCountInString(v); n > c.Max {
		return v, []Problem{{Code: CodeTooLong, Value: v, Limit: c.Max, Count: n}}
	}
	return v, nil
}

// checkLine is checkText for values shown on one line, such as a store's name on a booking page.
func checkLine(c *Column, v string) (string, []Problem) {
	v, problems := checkText(c, v)
	if strings.ContainsFunc(v, unicode.IsControl) {
		problems = append(problems, Problem{Code: CodeControl, Value: v})
	}
	return v, problems
}

// checkOneOf accepts a choice however a spreadsheet capitalized or widened it.
func checkOneOf(c *Column, v string) (string, []Problem) {
	k := v
	if !isASCII(v) {
		k = width.Fold.String(v)
	}
	if k = strings.ToLower(k); slices.Contains(c.OneOf, k) {
		return k, nil
	}
	return v, []Problem{{Code: CodeNotAllowed, Value: v, Allowed: c.OneOf}}
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
