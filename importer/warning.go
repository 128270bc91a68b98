package importer

import "strings"

// WarningCode says what of a file's header the reader ignores.
type WarningCode string

// Codes of the reader's warnings.
const (
	WarnUnknownColumn WarningCode = "unknown_column" // a header the template does not have
	WarnUnnamedColumn WarningCode = "unnamed_column" // a column with an empty header
)

// Warning is a column of the file that is not read: its cells are neither checked nor imported,
// which the merchant may not expect (a phone number under a header of their own is lost).
type Warning struct {
	Code   WarningCode
	Column string // the header as the file writes it, trimmed; "" for an unnamed column
	Index  int    // the header cell, 1-based
	Cell   string // an unnamed column's header cell in a workbook, as the spreadsheet names it (D1); "" in a CSV
}

// Letter is the workbook column's letters (D), which its merchant sees above it.
func (w Warning) Letter() string { return strings.TrimRight(w.Cell, "0123456789") }

var (
	msgWarnUnknownColumn = message{
		"unknown column %q is ignored; the columns are %s",
		"列「%s」はテンプレートにない列のため、読み込まれません（テンプレートの列: %s）",
	}
	msgWarnUnnamedColumn = message{
		"column %d has no header; its cells are ignored",
		"%d列目には見出しがないため、読み込まれません",
	}
	msgWarnUnnamedSheetColumn = message{
		"column %s has no header (cell %s is empty); its cells are ignored",
		"%s列には見出しがない（%sセルが空）ため、読み込まれません",
	}
)

func (w Warning) String() string { return w.Render(LangEN) }

// Render says which column is not read, and why, in lang ("ja" or else English); the English is
// the command line's log.
func (w Warning) Render(lang string) string {
	if w.Code == WarnUnnamedColumn && w.Cell != "" {
		return msgWarnUnnamedSheetColumn.in(lang, w.Letter(), w.Cell)
	}
	if w.Code == WarnUnnamedColumn {
		return msgWarnUnnamedColumn.in(lang, w.Index)
	}
	if lang == LangJA {
		return msgWarnUnknownColumn.in(lang, w.Column, templateHeader(lang))
	}
	return msgWarnUnknownColumn.in(lang, w.Column, ExpectedHeader())
}

// templateHeader lists the template's headers in lang, for a reader of that language.
func templateHeader(lang string) string {
	headers := make([]string, len(columns))
	for i, c := range columns {
		headers[i] = c.Header(lang)
	}
	if lang == LangJA {
		return strings.Join(headers, "、")
	}
	return strings.Join(headers, ", ")
}
