package importer

import (
	"fmt"
	"strconv"
	"strings"
)

// FileCode says why a file cannot be imported at all.
type FileCode string

// Codes of file-level errors.
const (
	FileEmpty           FileCode = "empty"
	FileUTF16           FileCode = "utf16"
	FileNotText         FileCode = "not_text"         // a control byte in the first line
	FileUnknownEncoding FileCode = "unknown_encoding" // neither UTF-8 nor Shift_JIS
	FileNotUTF8         FileCode = "not_utf8"         // --encoding utf8, and it is not
	FileNotSJIS         FileCode = "not_sjis"         // --encoding sjis, and it is not
	FileBadHeader       FileCode = "bad_header"       // the header line is not CSV
	FileHeaderControl   FileCode = "header_control"   // a control character in a header cell
	FileMissingColumns  FileCode = "missing_columns"
	FileDuplicateColumn FileCode = "duplicate_column"
	FileUnclosedQuote   FileCode = "unclosed_quote"
	FileRecordTooLong   FileCode = "record_too_long"
	FileTooManyCells    FileCode = "too_many_cells" // more than a spreadsheet's columns
	FileRead            FileCode = "read"           // the file could not be read; Err says why

	// A workbook's: what the file is instead, and which sheet to read.
	FileWorkbookLocked   FileCode = "workbook_password"  // encrypted with a password
	FileOldWorkbook      FileCode = "old_workbook"       // an .xls, Excel 97-2003's binary format
	FileLockedOrOld      FileCode = "compound_file"      // the container of either, not telling which
	FileDamagedWorkbook  FileCode = "damaged_workbook"   // a zip or its XML broken; Err says how
	FileWorkbookTooLarge FileCode = "workbook_too_large" // more text than a store list has
	FileSeveralSheets    FileCode = "several_sheets"     // Names: the sheets; none is the obvious one
	FileNoSuchSheet      FileCode = "no_such_sheet"      // Sheet: the one asked for; Names: those there are
)

// FileError is a problem that keeps the whole file from being imported.
type FileError struct {
	Code   FileCode
	Line   int      // the line at fault, 1-based (a workbook's row); 0 when not one line
	Sheet  string   // in a workbook, the sheet at fault
	Column int      // the header cell at fault, 1-based; 0 when not one cell
	Offset int64    // encoding errors: the offset of the first bad byte in the file
	Names  []string // FileMissingColumns: the columns missing; FileDuplicateColumn: the two headers
	Err    error    // the cause, when there is one
}

func (e *FileError) Error() string { return e.Render(LangEN) }

func (e *FileError) Unwrap() error { return e.Err }

// Render says what is wrong, where, and what to do, in lang ("ja" or else English).
func (e *FileError) Render(lang string) string {
	ja := lang == LangJA
	switch {
	case e.Line == 0:
		return e.message(ja)
	case e.Sheet != "":
		return pick(ja, fmt.Sprintf("sheet %q, row %d: ", e.Sheet, e.Line), fmt.Sprintf("シート「%s」の%d行目: ", e.Sheet, e.Line)) + e.message(ja)
	}
	return pick(ja, fmt.Sprintf("line %d: ", e.Line), fmt.Sprintf("%d行目: ", e.Line)) + e.message(ja)
}

func (e *FileError) message(ja bool) string {
	const saveAs = `save it from Excel as "CSV UTF-8 (Comma delimited)"`
	const saveAsJA = `Excelで「CSV UTF-8 (コンマ区切り)」として保存し直してください`
	switch e.Code {
	case FileEmpty:
		return pick(ja, "the file is empty; it needs a header line such as "+ExpectedHeader(),
			"ファイルが空です。1行目に見出し（例: "+ExpectedHeader()+"）が必要です")
	case FileUTF16:
		return pick(ja, "the file is UTF-16, which is not supported; "+saveAs,
			"UTF-16のファイルには対応していません。"+saveAsJA)
	case FileNotText:
		return pick(ja, fmt.Sprintf("the byte at offset %d is not text (binary data, or UTF-16): is this a CSV file? If it is, %s", e.Offset, saveAs),
			fmt.Sprintf("%dバイト目がテキストではありません（バイナリまたはUTF-16）。CSVファイルであれば、%s", e.Offset, saveAsJA))
	case FileUnknownEncoding:
		return pick(ja, fmt.Sprintf("the file is neither UTF-8 nor Shift_JIS (first bad byte at offset %d); %s", e.Offset, saveAs),
			fmt.Sprintf("UTF-8でもShift_JISでもありません（%dバイト目）。%s", e.Offset, saveAsJA))
	case FileNotUTF8:
		return pick(ja, fmt.Sprintf("the file is not UTF-8 (first bad byte at offset %d); if it is Shift_JIS, use --encoding sjis or auto", e.Offset),
			fmt.Sprintf("UTF-8ではありません（%dバイト目）。Shift_JISなら --encoding sjis か auto を指定してください", e.Offset))
	case FileNotSJIS:
		return pick(ja, fmt.Sprintf("the file is not Shift_JIS (first bad byte at offset %d); if it is UTF-8, use --encoding utf8 or auto", e.Offset),
			fmt.Sprintf("Shift_JISではありません（%dバイト目）。UTF-8なら --encoding utf8 か auto を指定してください", e.Offset))
	case FileBadHeader:
		return pick(ja, "the header line has a double quote out of place; it should read like "+ExpectedHeader(),
			"見出し行のダブルクォートの位置が正しくありません。見出しは "+ExpectedHeader()+" のようにしてください")
	case FileHeaderControl:
		return pick(ja, fmt.Sprintf("column %d of the header has a control character, which no header has: is this a CSV file? If it is, %s", e.Column, saveAs),
			fmt.Sprintf("見出しの%d列目に制御文字が含まれています。CSVファイルであれば、%s", e.Column, saveAsJA))
	case FileMissingColumns:
		list := strings.Join(e.Names, ", ")
		return pick(ja, fmt.Sprintf("the header lacks the required column(s) %s; the first line must be a header such as %s (Japanese labels work too)", list, ExpectedHeader()),
			fmt.Sprintf("見出しに必須の列 %s がありません。1行目は %s のような見出しにしてください（日本語の見出しも使えます）", list, ExpectedHeader()))
	case FileDuplicateColumn:
		return pick(ja, fmt.Sprintf("the header has the same column twice (%q and %q); keep one", e.Names[0], e.Names[1]),
			fmt.Sprintf("見出しに同じ列が2つあります（%q と %q）。1つにしてください", e.Names[0], e.Names[1]))
	case FileUnclosedQuote:
		return pick(ja, `a quoted cell starts on this line and is never closed properly; add the closing double quote ("), and double each quote inside a quoted cell ("")`,
			`この行で始まるダブルクォートのセルが正しく閉じられていません。閉じるダブルクォート（"）を補い、セル内のダブルクォートは2つ重ねてください（""）`)
	case FileRecordTooLong:
		return pick(ja, fmt.Sprintf("the record starting on this line is over %d MiB, far more than a store takes; is this the right file?", maxRecordBytes>>20),
			fmt.Sprintf("この行から始まるレコードが%d MiBを超えています。正しいファイルか確認してください", maxRecordBytes>>20))
	case FileTooManyCells:
		return pick(ja, fmt.Sprintf("the record starting on this line has cells past column %s, the last a spreadsheet has; is this the right file?", thousands(maxRowCells)),
			fmt.Sprintf("この行から始まるレコードに、表計算ソフトの最後の列（%s列目）より後ろのセルがあります。正しいファイルか確認してください", thousands(maxRowCells)))
	case FileRead:
		return pick(ja, fmt.Sprintf("reading the file failed: %v", e.Err), fmt.Sprintf("ファイルを読めませんでした: %v", e.Err))
	}
	return e.workbookMessage(ja)
}

func (e *FileError) workbookMessage(ja bool) string {
	sheets := quotedList(e.Names)
	switch e.Code {
	case FileWorkbookLocked:
		return pick(ja, "the workbook is protected with a password, which the tool cannot open: open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password, and clear it) and save it as .xlsx",
			"パスワードで保護されたブックは読めません。Excelで開いてパスワードを解除し（ファイル → 情報 → ブックの保護 → パスワードを使用して暗号化 で空欄にする）、.xlsx 形式で保存し直してください")
	case FileOldWorkbook:
		return pick(ja, "the file is an Excel 97-2003 workbook (.xls), which the tool does not read: open it in Excel and save it as an Excel Workbook (.xlsx)",
			"Excel 97-2003 ブック（.xls）は読めません。Excelで開き、「Excel ブック (*.xlsx)」として保存し直してください")
	case FileLockedOrOld:
		return pick(ja, "the file is an encrypted workbook or an old .xls: save it as .xlsx without a password",
			"パスワードで保護されたブックか、古い形式（.xls）のファイルです。パスワードなしの .xlsx 形式で保存し直してください")
	case FileDamagedWorkbook:
		return pick(ja, fmt.Sprintf("the workbook is damaged (%v): open it in Excel, which repairs what it can, and save it again as .xlsx; or ask for the file again", e.Err),
			fmt.Sprintf("ブックが壊れています（%v）。Excelで開くと修復できる場合があるので、.xlsx 形式で保存し直すか、ファイルを送り直してもらってください", e.Err))
	case FileWorkbookTooLarge:
		return pick(ja, fmt.Sprintf("the workbook's text is over %d MiB, far more than a store list takes; is this the right file?", maxSharedStringsBytes>>20),
			fmt.Sprintf("ブックの文字データが%d MiBを超えています。正しいファイルか確認してください", maxSharedStringsBytes>>20))
	case FileSeveralSheets:
		first := ""
		if len(e.Names) > 0 {
			first = e.Names[0]
		}
		return pick(ja, fmt.Sprintf("the workbook has several sheets (%s); say which one to read with --sheet NAME, such as --sheet %q", sheets, first),
			fmt.Sprintf("ブックに複数のシートがあります（%s）。読み込むシートを --sheet シート名 で指定してください（例: --sheet %q）", sheets, first))
	case FileNoSuchSheet:
		if len(e.Names) == 0 {
			return pick(ja, "the workbook has no worksheet to read; is this the right file?",
				"ブックに読み込めるワークシートがありません。正しいファイルか確認してください")
		}
		return pick(ja, fmt.Sprintf("the workbook has no sheet %q; its sheets are %s: give one of them to --sheet", e.Sheet, sheets),
			fmt.Sprintf("ブックにシート %q がありません。シートは %s です。--sheet にはこのいずれかを指定してください", e.Sheet, sheets))
	}
	return string(e.Code)
}

// quotedList names sheets the way a command line takes them, each quoted.
func quotedList(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = strconv.Quote(n)
	}
	return strings.Join(quoted, ", ")
}
