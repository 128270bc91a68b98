package importer

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// testSheet is a sheet as a merchant fills it in: rows[i] is row i+1, a nil cell is left empty.
// A string is a string cell, as typed in a cell formatted as text; an int or a float64 is a number
// cell, as a spreadsheet makes of digits typed in a cell of the default format; a time.Time is a
// date cell; numFormatted is a number shown in a number format of its own.
type testSheet struct {
	name string
	rows [][]any
}

// numFormatted is a number cell with a built-in number format (id) or a custom one (code).
type numFormatted struct {
	value any
	id    int
	code  string
}

// workbookOf writes the sheets, in order, as an .xlsx file made with excelize.
func workbookOf(t testing.TB, sheets ...testSheet) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName(f.GetSheetName(0), s.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range s.rows {
			for c, v := range row {
				setTestCell(t, f, s.name, cellName(c, r+1), v)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func setTestCell(t testing.TB, f *excelize.File, sheet, cell string, v any) {
	t.Helper()
	var err error
	switch v := v.(type) {
	case nil:
	case string:
		err = f.SetCellStr(sheet, cell, v)
	case numFormatted:
		style := &excelize.Style{NumFmt: v.id}
		if v.code != "" {
			style.CustomNumFmt = &v.code
		}
		var id int
		if id, err = f.NewStyle(style); err == nil {
			err = errors.Join(f.SetCellValue(sheet, cell, v.value), f.SetCellStyle(sheet, cell, cell, id))
		}
	default:
		err = f.SetCellValue(sheet, cell, v)
	}
	if err != nil {
		t.Fatalf("setting %s!%s to %v: %v", sheet, cell, v, err)
	}
}

// readWorkbook reads every row of data; err is NewReader's error or the error that ended reading.
func readWorkbook(t *testing.T, data []byte, opts ReadOptions) ([]*Row, *Reader, error) {
	t.Helper()
	return readFrom(t, bytes.NewReader(data), opts)
}

// rawWorkbook is a workbook of one sheet, "S", whose sheetData is rows as written, and whose
// shared strings are sst: for what excelize does not write, such as phonetic guides, cells
// without a reference, or error cells.
func rawWorkbook(t testing.TB, rows string, sst ...string) []byte {
	t.Helper()
	const main = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	const rels = `http://schemas.openxmlformats.org/officeDocument/2006/relationships`
	var items string
	for _, s := range sst {
		items += "<si>" + s + "</si>"
	}
	return zipOf(t, map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"xl/workbook.xml": `<?xml version="1.0"?><workbook ` + main + ` xmlns:r="` + rels + `">` +
			`<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="` + rels + `/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="` + rels + `/sharedStrings" Target="/xl/sharedStrings.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml": `<?xml version="1.0"?><worksheet ` + main + `><sheetData>` + rows + `</sheetData></worksheet>`,
		"xl/sharedStrings.xml":     `<?xml version="1.0"?><sst ` + main + `>` + items + `</sst>`,
	})
}

func zipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		w, err := zw.Create(name)
		if err == nil {
			_, err = io.WriteString(w, content)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// cfbWith is the smallest compound file (the container of an .xls, and of a workbook encrypted
// with a password) whose root holds empty streams of the names given: a header, one FAT sector
// and one directory sector.
func cfbWith(names ...string) []byte {
	const sector = 512
	const free, endOfChain, fatSector, noStream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
	le := binary.LittleEndian
	fill := func(b []byte, v uint32) {
		for i := 0; i < len(b); i += 4 {
			le.PutUint32(b[i:], v)
		}
	}
	head := make([]byte, sector)
	copy(head, cfbMagic)
	le.PutUint16(head[24:], 0x3E)   // minor version
	le.PutUint16(head[26:], 3)      // major version: 512-byte sectors
	le.PutUint16(head[28:], 0xFFFE) // byte order
	le.PutUint16(head[30:], 9)      // sector shift
	le.PutUint16(head[32:], 6)      // mini sector shift
	le.PutUint32(head[44:], 1)      // FAT sectors
	le.PutUint32(head[48:], 1)      // the directory's first sector
	le.PutUint32(head[56:], 4096)   // mini stream cutoff
	le.PutUint32(head[60:], endOfChain)
	le.PutUint32(head[68:], endOfChain)
	fill(head[76:], free)
	le.PutUint32(head[76:], 0) // the FAT is sector 0
	fat := make([]byte, sector)
	fill(fat, free)
	le.PutUint32(fat[0:], fatSector)
	le.PutUint32(fat[4:], endOfChain)
	dir := make([]byte, sector)
	entry := func(i int, name string, kind byte, right, child uint32) {
		e := dir[i*128 : (i+1)*128]
		u := utf16.Encode([]rune(name))
		for j, c := range u {
			le.PutUint16(e[j*2:], c)
		}
		le.PutUint16(e[64:], uint16((len(u)+1)*2))
		e[66], e[67] = kind, 1 // black
		le.PutUint32(e[68:], noStream)
		le.PutUint32(e[72:], right)
		le.PutUint32(e[76:], child)
		le.PutUint32(e[116:], endOfChain)
	}
	for i := range sector / 128 {
		entry(i, "", 0, noStream, noStream)
	}
	entry(0, "Root Entry", 5, noStream, 1)
	for i, name := range names {
		right := uint32(noStream)
		if i+1 < len(names) {
			right = uint32(i + 2)
		}
		entry(i+1, name, 2, right, noStream)
	}
	return append(append(head, fat...), dir...)
}
