package importer

import (
	"errors"
	"io"
	"strings"
)

// maxSharedStringsBytes bounds the text of a workbook's shared strings, which is held whole: a
// million rows of stores, each name and address its own, take about a third of it.
const maxSharedStringsBytes = 256 << 20

// sharedStrings is the table of texts a workbook's string cells refer to by number, in any order,
// so it is read whole: as one string and the end of each item, which takes little more memory
// than the text itself, however many short items there are.
type sharedStrings struct {
	text string
	ends []uint32 // item i is text[ends[i-1]:ends[i]]
	part partID   // what they were read from
}

// partID tells a part of a zip from another, and from itself changed: by its checksum and size.
type partID struct {
	crc  uint32
	size uint64
}

// at is item i; false when the table has no such item.
func (s *sharedStrings) at(i int) (string, bool) {
	if i < 0 || i >= len(s.ends) {
		return "", false
	}
	start := uint32(0)
	if i > 0 {
		start = s.ends[i-1]
	}
	return s.text[start:s.ends[i]], true
}

// sharedStrings reads the workbook's table of shared strings, unless read holds them already,
// read from this very part; an empty one when it has none.
func (wb *workbook) sharedStrings(read *sharedStrings) (*sharedStrings, error) {
	if wb.strings == "" || wb.parts[wb.strings] == nil {
		return &sharedStrings{}, nil
	}
	id := partID{wb.parts[wb.strings].CRC32, wb.parts[wb.strings].UncompressedSize64}
	if read != nil && read.part == id {
		return read, nil
	}
	part, err := wb.open(wb.strings)
	if err != nil {
		return nil, err
	}
	defer part.Close()
	dec := newXMLTokens(part)
	var text strings.Builder
	var ends []uint32
	for {
		tok, err := dec.next()
		switch {
		case errors.Is(err, io.EOF):
			return &sharedStrings{text: text.String(), ends: ends, part: id}, nil
		case err != nil:
			return nil, damaged(err)
		}
		if tok != startTag || dec.name != "si" {
			continue
		}
		item, err := readText(dec, "si", false, maxSharedStringsBytes-text.Len())
		switch {
		case errors.Is(err, errTextTooLong):
			return nil, &FileError{Code: FileWorkbookTooLarge}
		case err != nil:
			return nil, damaged(err)
		}
		text.WriteString(unescapeXString(item))
		ends = append(ends, uint32(text.Len()))
	}
}
