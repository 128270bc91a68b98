package importer

import (
	"errors"
	"io"
	"strconv"
	"strings"
)

// Reading the text out of a workbook's XML, token by token (xmlTokens).

// errTextTooLong ends a text read past its limit.
var errTextTooLong = errors.New("text too long")

// readText reads the text of the element just started, up to its end (end): all of it for a
// value (whole: a <v>); for a string item (<si>, <is>) that of its <t>, or of the <t> of each of
// its runs of rich text, not that of its phonetic guides (<rPh>: the furigana Japanese Excel
// keeps of what was typed), which the cell does not show. Past limit bytes it fails with
// errTextTooLong.
func readText(dec *xmlTokens, end string, whole bool, limit int) (string, error) {
	var text []byte
	inText, phonetic := whole, 0
	for {
		tok, err := dec.next()
		if err != nil {
			return "", unexpectedEOF(err)
		}
		switch tok {
		case startTag:
			switch dec.name {
			case "t":
				inText = true
			case "rPh":
				phonetic++
			}
		case endTag:
			switch dec.name {
			case end:
				return string(text), nil
			case "t":
				inText = whole
			case "rPh":
				phonetic--
			}
		case textData:
			if inText && phonetic == 0 {
				if text = append(text, dec.text...); len(text) > limit {
					return "", errTextTooLong
				}
			}
		}
	}
}

// skip reads past the end of the element just started.
func skip(dec *xmlTokens) error {
	for depth := 1; depth > 0; {
		tok, err := dec.next()
		if err != nil {
			return unexpectedEOF(err)
		}
		switch tok {
		case startTag:
			depth++
		case endTag:
			depth--
		}
	}
	return nil
}

// unexpectedEOF: an element that the part ends inside of is damage, not the end of the part.
func unexpectedEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// unescapeXString decodes the _xHHHH_ escapes with which Excel writes, in a cell's text, the
// characters XML cannot hold, such as a carriage return (_x000D_); _x005F_ escapes the _ of a text
// that would read as an escape.
func unescapeXString(s string) string {
	i := strings.Index(s, "_x")
	if i < 0 {
		return s
	}
	var b strings.Builder
	for ; i >= 0; i = strings.Index(s, "_x") {
		if r, ok := xEscape(s[i:]); ok {
			b.WriteString(s[:i])
			b.WriteRune(r)
			s = s[i+len("_xHHHH_"):]
			continue
		}
		b.WriteString(s[:i+2])
		s = s[i+2:]
	}
	b.WriteString(s)
	return b.String()
}

// xEscape is the character that s starts escaping, if it starts with an _xHHHH_ escape.
func xEscape(s string) (rune, bool) {
	if len(s) < len("_xHHHH_") || s[6] != '_' {
		return 0, false
	}
	n, err := strconv.ParseUint(s[2:6], 16, 16)
	return rune(n), err == nil
}
