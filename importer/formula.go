package importer

import "strings"

// formulaStarts are the first characters that make Excel and its kin read a cell as a formula,
// which a merchant's spreadsheet would then run (CSV injection).
const formulaStarts = "=+-@\t\r"

// EscapeFormula makes a cell safe to open in a spreadsheet: one that would be read as a formula
// gets a leading ', which spreadsheets show as text and the Reader drops again.
func EscapeFormula(s string) string {
	if s != "" && strings.IndexByte(formulaStarts, s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// unescapeFormula undoes EscapeFormula, so that a file the tool wrote reads back unchanged.
func unescapeFormula(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.IndexByte(formulaStarts, s[1]) >= 0 {
		return s[1:]
	}
	return s
}
