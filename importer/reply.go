package importer

import (
	"cmp"
	"slices"
	"strings"
)

// Tally counts a check's rows and their mistakes, for the short reply support sends the merchant
// with the errors file: how many rows to fix, which kinds of mistake, and what to do.
type Tally struct {
	rows, invalid int
	kinds         map[mistake]int
	notRead       []Warning // the file's columns that were not read, whose values would be lost
}

// mistake is a kind of mistake as the merchant knows it: several problem codes are one mistake to
// them (a spreadsheet that turned a phone number into a number, a date or scientific notation).
type mistake int

const (
	mistakeOther mistake = iota // an invalid row with no problem of its cells: its message says why
	mistakeRequired
	mistakeTooLong
	mistakeControl
	mistakeBadID
	mistakeNotAllowed
	mistakeBadPhone
	mistakeSpreadsheetPhone
	mistakeCellCount
	mistakeQuote
	mistakeDuplicate
	mistakeBrokenText
	mistakeCellType
	mistakeFormula
)

var mistakeOf = map[Code]mistake{
	CodeRequired:           mistakeRequired,
	CodeTooLong:            mistakeTooLong,
	CodeCellTooLarge:       mistakeTooLong,
	CodeControl:            mistakeControl,
	CodeBadID:              mistakeBadID,
	CodeNotAllowed:         mistakeNotAllowed,
	CodeBadPhone:           mistakeBadPhone,
	CodePhoneNoLeadingZero: mistakeSpreadsheetPhone,
	CodePhoneScientific:    mistakeSpreadsheetPhone,
	CodePhoneDate:          mistakeSpreadsheetPhone,
	CodeCellCount:          mistakeCellCount,
	CodeStrayQuote:         mistakeQuote,
	CodeDuplicate:          mistakeDuplicate,
	CodeNUL:                mistakeBrokenText,
	CodeNotUTF8:            mistakeBrokenText,
	CodeNotSJIS:            mistakeBrokenText,
	CodeNumberCell:         mistakeCellType,
	CodeDateCell:           mistakeCellType,
	CodeErrorCell:          mistakeFormula,
	CodeUnsavedFormula:     mistakeFormula,
}

// mistakeText names each kind of mistake in the reply's list.
var mistakeText = map[mistake]message{
	mistakeOther:            {"other mistakes (the error column says what)", "その他（error 列をご確認ください）"},
	mistakeRequired:         {"a required cell is empty", "必須項目が空欄"},
	mistakeTooLong:          {"a value is longer than allowed", "文字数が上限を超えている"},
	mistakeControl:          {"a value holds a line break, a tab or another control character", "改行やタブなどの制御文字が入っている"},
	mistakeBadID:            {"a store ID is not in the form IDs take", "店舗IDの形式が正しくない"},
	mistakeNotAllowed:       {"a value is not one of the allowed choices", "指定の選択肢にない値が入っている"},
	mistakeBadPhone:         {"a phone number is not a Japanese phone number", "電話番号の形式が正しくない"},
	mistakeSpreadsheetPhone: {"a phone number the spreadsheet turned into a number or a date (its leading 0 lost)", "電話番号が表計算ソフトで数値や日付に変わっている（先頭の0が消えている）"},
	mistakeCellCount:        {"a line has more or fewer cells than the header", "列の数が見出しと合わない"},
	mistakeQuote:            {`a double quote (") is out of place`, `ダブルクォート（"）の位置が正しくない`},
	mistakeDuplicate:        {"the same store ID is on more than one line", "同じ店舗IDが複数の行にある"},
	mistakeBrokenText:       {"a cell has garbled characters", "文字化けしている"},
	mistakeCellType:         {"a cell is a number or a date, not text", "セルが文字列ではなく数値や日付になっている"},
	mistakeFormula:          {"a cell holds a formula's error or an unsaved formula", "数式のエラーや保存されていない数式がある"},
}

// Row counts one row of the report: a Tally is a Reporter, fed as the report is.
func (t *Tally) Row(res Result) error {
	t.rows++
	if res.Status != StatusInvalid {
		return nil
	}
	t.invalid++
	if t.kinds == nil {
		t.kinds = map[mistake]int{}
	}
	if res.Row == nil || len(res.Row.Problems) == 0 {
		t.kinds[mistakeOther]++
		return nil
	}
	for _, p := range res.Row.Problems {
		kind, known := mistakeOf[p.Code]
		if !known {
			kind = mistakeOther
		}
		t.kinds[kind]++
	}
	return nil
}

// Close keeps the columns that were not read: the reply names them.
func (t *Tally) Close(s *Summary) error {
	t.notRead = s.Warnings
	return nil
}

// ReplyFile is the errors file the reply goes with.
type ReplyFile struct {
	Name     string // as the merchant receives it
	Workbook bool   // a workbook has no text encoding to keep
}

// Reply is the text support pastes into their answer to the merchant, in lang ("ja" or else
// English): no greeting or signature, which are support's own.
func (t *Tally) Reply(lang string, errors ReplyFile) string {
	if t.invalid == 0 && len(t.notRead) == 0 {
		return msgReplyClean.in(lang, thousands(t.rows))
	}
	if t.invalid == 0 {
		return msgReplyCleanNotRead.in(lang, thousands(t.rows)) + "\n" + t.columnsNotRead(lang) + msgReplyMoveThenSend.in(lang, templateHeader(lang))
	}
	var b strings.Builder
	b.WriteString(msgReplyCount.in(lang, thousands(t.rows), thousands(t.invalid)))
	b.WriteString("\n\n" + msgReplyKinds.in(lang) + "\n")
	for _, kind := range t.byCount() {
		b.WriteString(msgReplyKind.in(lang, mistakeText[kind].in(lang), thousands(t.kinds[kind])) + "\n")
	}
	if len(t.notRead) > 0 {
		b.WriteString("\n" + msgReplyNotRead.in(lang) + "\n" + t.columnsNotRead(lang) + msgReplyMoveToo.in(lang, templateHeader(lang)) + "\n")
	}
	keep := msgReplyKeepCSV
	if errors.Workbook {
		keep = msgReplyKeepWorkbook
	}
	b.WriteString("\n" + msgReplyFile.in(lang, errors.Name, ErrorColumn) + "\n" + keep.in(lang, ErrorColumn))
	return b.String()
}

// columnsNotRead lists the columns that were not read, one a line, as the merchant's file names them.
func (t *Tally) columnsNotRead(lang string) string {
	var b strings.Builder
	for _, w := range t.notRead {
		switch {
		case w.Code == WarnUnnamedColumn && w.Cell != "":
			b.WriteString(msgReplyUnnamedSheetColumn.in(lang, w.Letter()) + "\n")
		case w.Code == WarnUnnamedColumn:
			b.WriteString(msgReplyUnnamedColumn.in(lang, w.Index) + "\n")
		default:
			b.WriteString(msgReplyColumn.in(lang, w.Column) + "\n")
		}
	}
	return b.String()
}

// byCount are the kinds of mistake found, the most frequent first.
func (t *Tally) byCount() []mistake {
	kinds := make([]mistake, 0, len(t.kinds))
	for kind := range t.kinds {
		kinds = append(kinds, kind)
	}
	slices.SortFunc(kinds, func(a, b mistake) int {
		return cmp.Or(cmp.Compare(t.kinds[b], t.kinds[a]), cmp.Compare(a, b))
	})
	return kinds
}

var (
	msgReplyClean = message{
		"We checked your file: all %s rows are fine, so we will go ahead and register the stores.",
		"ファイルを確認しました。全%s行とも問題はありませんでしたので、このまま店舗の登録を進めます。",
	}
	msgReplyCount = message{
		"We checked your file: %[2]s of its %[1]s rows need fixing before we can register the stores.",
		"ファイルを確認しました。全%s行のうち%s行に、登録の前に修正していただきたい箇所があります。",
	}
	msgReplyCleanNotRead = message{
		"We checked your file: all %s rows can be registered as they are, but these columns are not ones the template has and were not read, so their values would not be registered:",
		"ファイルを確認しました。全%s行とも登録できる状態ですが、次の列はテンプレートにない列のため読み込まれず、その値は登録されません:",
	}
	msgReplyNotRead = message{
		"Also, these columns are not ones the template has and were not read, so their values would not be registered:",
		"また、次の列はテンプレートにない列のため読み込まれず、その値は登録されません:",
	}
	msgReplyColumn             = message{"- the column %q", "・列「%s」"}
	msgReplyUnnamedColumn      = message{"- column %d, which has no header", "・%d列目（見出しなし）"}
	msgReplyUnnamedSheetColumn = message{"- column %s, which has no header", "・%s列（見出しなし）"}
	msgReplyMoveThenSend       = message{
		"If those values should be registered, please move them into the template's columns (%s) and send the file back to us; if not, tell us and we will go ahead and register the stores.",
		"これらの値も登録が必要な場合は、テンプレートの列（%s）に移してご返送ください。不要な場合はその旨お知らせいただければ、このまま店舗の登録を進めます。",
	}
	msgReplyMoveToo = message{
		"If those values should be registered, please move them into the template's columns (%s) too before you send the file back.",
		"これらの値も登録が必要な場合は、ご返送の前にテンプレートの列（%s）に移してください。",
	}
	msgReplyKinds = message{"What needs fixing:", "修正が必要な内容:"}
	msgReplyKind  = message{"- %s: %s", "・%s: %s件"}
	msgReplyFile  = message{
		"The attached file %s lists only those rows, each with what to change in its last column, %q.",
		"添付のファイル「%s」には修正が必要な行だけを載せており、各行の最後の「%s」列に直し方を記載しています。",
	}
	msgReplyKeepCSV = message{
		"Please fix those rows in that file, keep its columns in the same order and save it in the same format and encoding, then send it back to us (the %q column may stay).",
		"お手数ですが、このファイルの該当行を修正し、列の並びと文字コードは変えずに保存して、ご返送ください（「%s」列は残したままで構いません）。",
	}
	msgReplyKeepWorkbook = message{
		"Please fix those rows in that file, keep its columns in the same order and save it as an Excel workbook (.xlsx), then send it back to us (the %q column may stay).",
		"お手数ですが、このファイルの該当行を修正し、列の並びは変えずにExcelブック（.xlsx）のまま保存して、ご返送ください（「%s」列は残したままで構いません）。",
	}
)
