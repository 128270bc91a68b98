package importer

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// numberFormats shows a workbook's number cells as the spreadsheet shows them, in their number
// format, and tells dates from other numbers. The formatting is excelize's, the same as its
// GetCellValue gives, done on a copy of the workbook that has its styles but none of its sheets,
// so that no sheet is ever loaded whole; it is made at the first number, which most store lists
// never have.
type numberFormats struct {
	wb    *workbook
	file  *excelize.File // nil until the first number
	dates map[int]bool   // by style: whether its format shows a date or a time
}

// formatSheet is the sheet of that copy in which a number is formatted, never written anywhere.
const formatSheet = "storeimport"

// show is the text of a number cell whose value is raw, in style, and whether it is a date.
func (n *numberFormats) show(raw string, style int) (string, cellKind, error) {
	if n.file == nil {
		if err := n.open(); err != nil {
			return "", 0, err
		}
	}
	if err := n.file.SetCellDefault(formatSheet, "A1", raw); err != nil {
		return "", 0, damaged(err)
	}
	if n.file.SetCellStyle(formatSheet, "A1", "A1", style) != nil {
		style = 0 // a style the workbook does not have: shown as the spreadsheet shows a number of none
		_ = n.file.SetCellStyle(formatSheet, "A1", "A1", style)
	}
	text, err := n.file.GetCellValue(formatSheet, "A1")
	if err != nil {
		return "", 0, damaged(err)
	}
	if n.isDate(style) {
		return text, kindDate, nil
	}
	return text, kindNumber, nil
}

// open makes the copy: the parts that say how the workbook's cells are formatted (its styles, and
// whether its dates count from 1904) and none of its sheets. Dates are shown the Japanese way, as
// the merchants' spreadsheets show them (yyyy/m/d, 令和).
func (n *numberFormats) open() error {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{contentTypesPart, "_rels/.rels", workbookPart, workbookRelsPart, n.wb.styles} {
		if f := n.wb.parts[name]; f != nil {
			if err := copyPart(zw, f); err != nil {
				return damaged(err)
			}
		}
	}
	if err := zw.Close(); err != nil {
		return damaged(err)
	}
	f, err := excelize.OpenReader(&buf, excelize.Options{CultureInfo: excelize.CultureNameJaJP, ShortDatePattern: "yyyy/m/d"})
	if err != nil {
		return damaged(err)
	}
	if _, err := f.NewSheet(formatSheet); err != nil {
		return damaged(err)
	}
	n.file, n.dates = f, map[int]bool{}
	return nil
}

// copyPart copies a part as it is compressed.
func copyPart(zw *zip.Writer, f *zip.File) error {
	w, err := zw.CreateRaw(&f.FileHeader)
	if err != nil {
		return err
	}
	r, err := f.OpenRaw()
	if err != nil {
		return err
	}
	_, err = io.Copy(w, r)
	return err
}

func (n *numberFormats) isDate(style int) bool {
	date, known := n.dates[style]
	if !known {
		if s, err := n.file.GetStyle(style); err == nil {
			date = isDateFormat(s.NumFmt, s.CustomNumFmt)
		}
		n.dates[style] = date
	}
	return date
}

// isDateFormat says whether a number format shows a date or a time: a built-in one of those,
// Japanese ones (27-36, 50-58) included, or a format code with a part of a date or a time in it,
// outside quoted text, escaped characters and [brackets] (a colour, a locale), the elapsed
// times [h], [m] and [s] aside.
func isDateFormat(id int, custom *string) bool {
	if custom == nil || *custom == "" {
		return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58)
	}
	code, _, _ := strings.Cut(*custom, ";") // the format of positive numbers
	code = strings.ToLower(code)
	for i := 0; i < len(code); i++ {
		switch c := code[i]; {
		case c == '"':
			end := strings.IndexByte(code[i+1:], '"')
			if end < 0 {
				return false
			}
			i += end + 1
		case c == '\\' || c == '_' || c == '*':
			i++ // the next character is shown as it is, or is padding
		case c == '[':
			end := strings.IndexByte(code[i:], ']')
			if end < 0 {
				return false
			}
			if inner := code[i+1 : i+end]; inner != "" && strings.Trim(inner, "hms") == "" {
				return true
			}
			i += end
		case strings.HasPrefix(code[i:], "general"):
			i += len("general") - 1
		case c == 'e' && i+1 < len(code) && (code[i+1] == '+' || code[i+1] == '-'):
			i++ // scientific notation, not an era's year
		case strings.IndexByte("ymdhsge", c) >= 0:
			return true
		}
	}
	return false
}
