package importer

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/richardlehane/mscfb"
)

// What a workbook's file starts with: a zip, for an .xlsx; an OLE compound file, for an .xls and
// for an .xlsx encrypted with a password. A workbook is known by its content, not its name, since
// merchants' files are renamed on the way.
var (
	zipMagic = []byte("PK\x03\x04")
	cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

const (
	// maxWorkbookBytes bounds a workbook read into memory whole, which only a reader that cannot
	// be read at an offset needs (a file can).
	maxWorkbookBytes = 256 << 20
	// maxPartBytes bounds the workbook's list of sheets and its relationships, far below it.
	maxPartBytes = 16 << 20
)

// The parts every workbook has, lower-cased as workbook.parts keeps them.
const (
	contentTypesPart = "[content_types].xml"
	workbookPart     = "xl/workbook.xml"
	workbookRelsPart = "xl/_rels/workbook.xml.rels"
)

// IsWorkbook says whether the file at path is, by its content, a workbook for the Reader: an
// .xlsx it reads, or an encrypted workbook, an .xls or a damaged zip it refuses as such. A zip
// that holds no workbook is not one; nor is a file that cannot be opened (reading it will say why).
func IsWorkbook(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	in := bufio.NewReader(f)
	sample, _ := in.Peek(len(cfbMagic))
	switch {
	case bytes.HasPrefix(sample, cfbMagic):
		return true
	case !bytes.HasPrefix(sample, zipMagic):
		return false
	}
	_, isWorkbook, err := openWorkbook(f, in)
	return isWorkbook || err != nil
}

// workbook is an .xlsx file opened for reading: its parts by name, and its worksheets in the
// order of their tabs.
type workbook struct {
	parts   map[string]*zip.File // by name lower-cased: applications differ in the case they write
	sheets  []sheetPart
	strings string // the shared strings' part; "" when there is none
	styles  string // the styles' part; "" when there is none
}

// sheetPart is a worksheet: its name on its tab, and its part.
type sheetPart struct {
	name, path string
	hidden     bool // hidden in the spreadsheet: chosen only by name
}

// openSheet opens the workbook r holds at the sheet to read (see choose), or returns nil when r
// holds no workbook: a CSV, or binary data, for decode to say which. in buffers r, and already
// holds the file's start; read are its shared strings as read before, if they were.
func openSheet(r io.Reader, in *bufio.Reader, name string, read *sharedStrings) (*sheetRows, error) {
	sample, _ := in.Peek(len(cfbMagic))
	switch {
	case bytes.HasPrefix(sample, cfbMagic):
		return nil, compoundFileError(r, in)
	case !bytes.HasPrefix(sample, zipMagic):
		return nil, nil
	}
	wb, ok, err := openWorkbook(r, in)
	switch {
	case err != nil:
		return nil, err
	case !ok:
		// A zip that holds no workbook is binary data like any other, refused as decode does.
		return nil, badByte(FileNotText, sample, controlByteAt(sample))
	}
	strs, err := wb.sharedStrings(read)
	if err != nil {
		return nil, err
	}
	formats := &numberFormats{wb: wb}
	sheet, err := wb.choose(name, func(s sheetPart) (bool, error) { return wb.startsWithStores(s, strs, formats) })
	if err != nil {
		return nil, err
	}
	return wb.rows(sheet, strs, formats)
}

// openWorkbook opens the zip r holds (in buffers r); ok is false when it is a zip but no workbook.
// A zip that cannot be read is a damaged workbook: an .xlsx is the zip merchants send.
func openWorkbook(r io.Reader, in *bufio.Reader) (wb *workbook, ok bool, err error) {
	ra, size, err := randomAccess(r, in)
	if err != nil {
		return nil, false, err
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, true, damaged(err)
	}
	wb = &workbook{parts: make(map[string]*zip.File, len(zr.File))}
	for _, f := range zr.File {
		wb.parts[strings.ToLower(f.Name)] = f
	}
	if wb.parts[contentTypesPart] == nil || wb.parts[workbookPart] == nil {
		return nil, false, nil
	}
	if err := wb.readSheets(); err != nil {
		return nil, true, err
	}
	return wb, true, nil
}

// randomAccess gives the zip reader the file at any offset: r itself when it can be read at an
// offset and knows its size (a file, bytes in memory), else what is left of it, read into memory.
func randomAccess(r io.Reader, in *bufio.Reader) (io.ReaderAt, int64, error) {
	if ra, ok := r.(io.ReaderAt); ok {
		if size, ok := sizeOf(r); ok {
			return ra, size, nil
		}
	}
	b, err := io.ReadAll(io.LimitReader(in, maxWorkbookBytes+1))
	switch {
	case err != nil:
		return nil, 0, &FileError{Code: FileRead, Err: err}
	case len(b) > maxWorkbookBytes:
		return nil, 0, &FileError{Code: FileWorkbookTooLarge}
	}
	return bytes.NewReader(b), int64(len(b)), nil
}

func sizeOf(r io.Reader) (int64, bool) {
	switch s := r.(type) {
	case interface{ Size() int64 }:
		return s.Size(), true
	case interface{ Stat() (fs.FileInfo, error) }:
		info, err := s.Stat()
		return info.Size(), err == nil
	}
	return 0, false
}

// compoundFileError says what an OLE compound file is, by the streams it holds: Excel keeps a
// workbook encrypted with a password in one as EncryptedPackage, and an .xls as Workbook (Book
// before Excel 97). What cannot be told apart gets the advice that fits both.
func compoundFileError(r io.Reader, in *bufio.Reader) error {
	ra, _, err := randomAccess(r, in)
	if err != nil {
		return err
	}
	if doc, err := mscfb.New(ra); err == nil {
		for entry, err := doc.Next(); err == nil; entry, err = doc.Next() {
			switch entry.Name {
			case "EncryptedPackage":
				return &FileError{Code: FileWorkbookLocked}
			case "Workbook", "Book":
				return &FileError{Code: FileOldWorkbook}
			}
		}
	}
	return &FileError{Code: FileLockedOrOld}
}

func damaged(err error) *FileError {
	return &FileError{Code: FileDamagedWorkbook, Err: err}
}

// readSheets lists the worksheets, as the workbook names them and its relationships place them,
// and finds the shared strings and the styles. Chart sheets, which have no cells, are left out.
func (wb *workbook) readSheets() error {
	var book struct {
		Sheets []struct {
			Name  string `xml:"name,attr"`
			ID    string `xml:"id,attr"`    // r:id, in whichever namespace the application writes
			State string `xml:"state,attr"` // hidden or veryHidden; visible when absent
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := wb.decodePart(workbookPart, &book); err != nil {
		return err
	}
	if err := wb.decodePart(workbookRelsPart, &rels); err != nil {
		return err
	}
	worksheets := map[string]string{}
	for _, rel := range rels.Rels {
		target := partName(rel.Target)
		switch {
		case strings.HasSuffix(rel.Type, "/worksheet"):
			worksheets[rel.ID] = target
		case strings.HasSuffix(rel.Type, "/sharedStrings"):
			wb.strings = target
		case strings.HasSuffix(rel.Type, "/styles"):
			wb.styles = target
		}
	}
	for _, s := range book.Sheets {
		if target, ok := worksheets[s.ID]; ok {
			if wb.parts[target] == nil {
				return damaged(errors.New("the part of sheet " + strconv.Quote(s.Name) + " is missing"))
			}
			wb.sheets = append(wb.sheets, sheetPart{s.Name, target, s.State == "hidden" || s.State == "veryHidden"})
		}
	}
	return nil
}

// partName is the part a relationship of the workbook points to: relative to xl/, where the
// workbook is, unless absolute.
func partName(target string) string {
	if abs, ok := strings.CutPrefix(target, "/"); ok {
		return strings.ToLower(path.Clean(abs))
	}
	return strings.ToLower(path.Join("xl", target))
}

// decodePart reads a small part of the workbook into v.
func (wb *workbook) decodePart(name string, v any) error {
	part, err := wb.open(name)
	if err != nil {
		return err
	}
	defer part.Close()
	if err := xml.NewDecoder(io.LimitReader(part, maxPartBytes)).Decode(v); err != nil {
		return damaged(err)
	}
	return nil
}

func (wb *workbook) open(name string) (io.ReadCloser, error) {
	f := wb.parts[name]
	if f == nil {
		return nil, damaged(errors.New(name + " is missing"))
	}
	part, err := f.Open()
	if err != nil {
		return nil, damaged(err)
	}
	return part, nil
}

// choose picks the sheet to read: the one named; else the only one; else the only one that
// starts with a header of stores, as the project's own template does, whose second sheet says
// how to fill in the first.
func (wb *workbook) choose(name string, startsWithStores func(sheetPart) (bool, error)) (sheetPart, error) {
	if name != "" {
		for _, s := range wb.sheets {
			if s.name == name {
				return s, nil
			}
		}
		return sheetPart{}, &FileError{Code: FileNoSuchSheet, Sheet: name, Names: wb.names()}
	}
	shown := wb.shown()
	switch len(shown) {
	case 0:
		return sheetPart{}, &FileError{Code: FileNoSuchSheet}
	case 1:
		return shown[0], nil
	}
	var withStores []sheetPart
	for _, s := range shown {
		ok, err := startsWithStores(s)
		if err != nil {
			return sheetPart{}, err
		}
		if ok {
			withStores = append(withStores, s)
		}
	}
	if len(withStores) == 1 {
		return withStores[0], nil
	}
	return sheetPart{}, &FileError{Code: FileSeveralSheets, Names: sheetNames(shown)}
}

// shown are the sheets the merchant sees, or every sheet when all are hidden: a hidden sheet, an
// old copy say, is read only when --sheet names it.
func (wb *workbook) shown() []sheetPart {
	var shown []sheetPart
	for _, s := range wb.sheets {
		if !s.hidden {
			shown = append(shown, s)
		}
	}
	if len(shown) == 0 {
		return wb.sheets
	}
	return shown
}

func (wb *workbook) names() []string { return sheetNames(wb.sheets) }

func sheetNames(sheets []sheetPart) []string {
	names := make([]string, len(sheets))
	for i, s := range sheets {
		names[i] = s.name
	}
	return names
}
