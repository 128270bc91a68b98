package importer

// cellKind is what a workbook's cell holds: text as typed, or a value the spreadsheet made of what
// was typed, which no column of a store takes.
type cellKind uint8

const (
	kindText    cellKind = iota // a string (shared or inline), a formula's text, or TRUE or FALSE as shown
	kindNumber                  // shown in its number format
	kindDate                    // a number shown in a date or time format
	kindError                   // a formula's error, such as #N/A
	kindUnsaved                 // a formula whose value the file does not hold (written by a program, never opened)
)

// notText is the problem of column c's cell that holds kind, shown as v. A number or a date is
// refused even where what it shows would pass, as a phone number shown with its 0 by a format of
// zeros: what the merchant typed is text, and the spreadsheet may have changed it (a leading 0
// dropped, digits rounded) in ways only the merchant can undo. The value is never repaired.
func (c *Column) notText(v string, kind cellKind) Problem {
	code := map[cellKind]Code{kindNumber: CodeNumberCell, kindDate: CodeDateCell, kindError: CodeErrorCell, kindUnsaved: CodeUnsavedFormula}[kind]
	if own, ok := c.spreadsheetCode(v, kind); ok {
		code = own
	}
	return Problem{Code: code, Value: v}
}

// spreadsheetCode is the rule's own code for such a cell, when it has one that fits.
func (c *Column) spreadsheetCode(v string, kind cellKind) (Code, bool) {
	if c.kind.spreadsheet == nil {
		return "", false
	}
	return c.kind.spreadsheet(v, kind)
}
