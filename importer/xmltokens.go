package importer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// xmlTokens reads the tokens of a workbook's XML part as encoding/xml's RawToken does (start and
// end elements, their local names and attributes, text with its entities decoded), several times
// faster: it takes the bytes a slice at a time, where encoding/xml takes them one by one, and
// keeps each token in itself until the next, where RawToken makes a value of each; reading a
// large sheet with encoding/xml was most of validate's time. Comments and processing
// instructions are passed over, as nothing here reads them; a DOCTYPE, which no spreadsheet
// writes, is an error. It checks less than encoding/xml (names, characters): what it reads is
// checked as cells are.
type xmlTokens struct {
	r       *bufio.Reader
	name    string    // the element started or ended
	attrs   []xmlAttr // the element started's, until the next token
	text    []byte    // the text read, until the next token
	pending bool      // the element started was written <name/>: its end comes next
	tag     []byte
}

// xmlAttr is an attribute of the element started, its value decoded.
type xmlAttr struct {
	name  string
	value []byte
}

// The kinds of token.
type xmlToken uint8

const (
	startTag xmlToken = iota + 1
	endTag
	textData
)

func newXMLTokens(r io.Reader) *xmlTokens {
	return &xmlTokens{r: bufio.NewReaderSize(r, 64<<10)}
}

var errDoctype = errors.New("a DOCTYPE, which no spreadsheet writes")

// next reads the next token; io.EOF after the last.
func (x *xmlTokens) next() (xmlToken, error) {
	for {
		if x.pending {
			x.pending, x.attrs = false, x.attrs[:0]
			return endTag, nil
		}
		peek, err := x.r.Peek(1)
		if err != nil {
			return 0, err
		}
		if peek[0] != '<' {
			return textData, x.charData()
		}
		tok, err := x.markup()
		if tok != 0 || err != nil {
			return tok, err
		}
	}
}

// attr is the value of the element started's attribute name; nil when it has none.
func (x *xmlTokens) attr(name string) []byte {
	for _, a := range x.attrs {
		if a.name == name {
			return a.value
		}
	}
	return nil
}

// maxXMLText bounds one run of text, or a CDATA section, in a workbook's XML, so that memory is
// bounded before any cap of a cell or a row applies: no spreadsheet writes more in one place (a
// cell holds 32,767 characters), and a small zip can unpack to far more.
const maxXMLText = 4 << 20

var errXMLTextTooLong = fmt.Errorf("it holds over %d MiB of text in one place, which no spreadsheet writes", maxXMLText>>20)

// charData reads text up to the next '<', or the end of the part.
func (x *xmlTokens) charData() error {
	x.text = x.text[:0]
	for {
		chunk, err := x.r.ReadSlice('<')
		if len(x.text)+len(chunk) > maxXMLText {
			return errXMLTextTooLong
		}
		switch {
		case err == nil:
			x.text = append(x.text, chunk[:len(chunk)-1]...)
			_ = x.r.UnreadByte() // the '<' just read
		case errors.Is(err, bufio.ErrBufferFull):
			x.text = append(x.text, chunk...)
			continue
		case errors.Is(err, io.EOF):
			x.text = append(x.text, chunk...)
		default:
			return err
		}
		x.text, err = unescapeXML(x.text)
		return err
	}
}

// markup reads what starts with '<': an element's start or end, CDATA; or, passed over as no
// token (0), a comment or a processing instruction.
func (x *xmlTokens) markup() (xmlToken, error) {
	head, _ := x.r.Peek(9)
	switch {
	case bytes.HasPrefix(head, []byte("<!--")):
		_, _ = x.r.Discard(len("<!--"))
		return 0, x.skipPast("-->")
	case bytes.HasPrefix(head, []byte("<![CDATA[")):
		_, _ = x.r.Discard(len("<![CDATA["))
		text, err := x.readPast("]]>")
		x.text = lineEnds(append(x.text[:0], text...))
		return textData, err
	case bytes.HasPrefix(head, []byte("<?")):
		_, _ = x.r.Discard(len("<?"))
		return 0, x.skipPast("?>")
	case bytes.HasPrefix(head, []byte("<!")):
		return 0, errDoctype
	}
	tag, err := x.readTag()
	if err != nil {
		return 0, err
	}
	x.attrs = x.attrs[:0]
	if name, ok := bytes.CutPrefix(tag, []byte("/")); ok {
		x.name = localName(bytes.TrimSpace(name))
		return endTag, nil
	}
	return startTag, x.startElement(tag)
}

// readTag reads an element's tag, without its '<' and '>': up to the first '>' that is not in a
// quoted attribute value.
func (x *xmlTokens) readTag() ([]byte, error) {
	_, _ = x.r.Discard(1) // '<'
	x.tag = x.tag[:0]
	quote := byte(0)
	for {
		chunk, err := x.r.ReadSlice('>')
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, unexpectedEOF(err)
		}
		start := len(x.tag)
		x.tag = append(x.tag, chunk...)
		for _, c := range x.tag[start:] {
			switch {
			case quote != 0 && c == quote:
				quote = 0
			case quote == 0 && (c == '"' || c == '\''):
				quote = c
			}
		}
		if err == nil && quote == 0 {
			return x.tag[:len(x.tag)-1], nil
		}
		if len(x.tag) > maxPartBytes {
			return nil, errors.New("a tag that never ends")
		}
	}
}

// startElement parses a start tag: name, then attributes name="value".
func (x *xmlTokens) startElement(tag []byte) error {
	if trimmed := bytes.TrimRight(tag, " \t\r\n"); bytes.HasSuffix(trimmed, []byte("/")) {
		tag, x.pending = trimmed[:len(trimmed)-1], true
	}
	nameEnd := bytes.IndexAny(tag, " \t\r\n")
	if nameEnd < 0 {
		nameEnd = len(tag)
	}
	if nameEnd == 0 {
		return errors.New("an element with no name")
	}
	x.name = localName(tag[:nameEnd])
	for rest := bytes.TrimLeft(tag[nameEnd:], " \t\r\n"); len(rest) > 0; rest = bytes.TrimLeft(rest, " \t\r\n") {
		var a xmlAttr
		var err error
		if a, rest, err = attribute(rest); err != nil {
			return fmt.Errorf("element <%s>: %w", x.name, err)
		}
		x.attrs = append(x.attrs, a)
	}
	return nil
}

// attribute parses name="value" (or 'value') at the start of s, and returns what follows.
func attribute(s []byte) (xmlAttr, []byte, error) {
	eq := bytes.IndexByte(s, '=')
	if eq <= 0 {
		return xmlAttr{}, nil, errors.New("an attribute with no value")
	}
	name := bytes.TrimSpace(s[:eq])
	value := bytes.TrimLeft(s[eq+1:], " \t\r\n")
	if len(value) == 0 || (value[0] != '"' && value[0] != '\'') {
		return xmlAttr{}, nil, errors.New("an unquoted attribute value")
	}
	end := bytes.IndexByte(value[1:], value[0])
	if end < 0 {
		return xmlAttr{}, nil, errors.New("an attribute value never closed")
	}
	text, err := unescapeXML(value[1 : end+1])
	if err != nil {
		return xmlAttr{}, nil, err
	}
	return xmlAttr{name: localName(name), value: text}, value[end+2:], nil
}

// localName is a name without its namespace prefix (as encoding/xml takes it: before the one
// colon, both sides not empty), the names a sheet has most often without allocating.
func localName(name []byte) string {
	if prefix, local, ok := bytes.Cut(name, []byte(":")); ok && len(prefix) > 0 && len(local) > 0 {
		name = local
	}
	switch string(name) {
	case "c":
		return "c"
	case "v":
		return "v"
	case "row":
		return "row"
	case "t":
		return "t"
	case "r":
		return "r"
	case "s":
		return "s"
	case "si":
		return "si"
	case "is":
		return "is"
	case "spans":
		return "spans"
	}
	return string(name)
}

// skipPast reads past the next end, a comment's or a processing instruction's, keeping only as
// much of what it passes as it needs to find end.
func (x *xmlTokens) skipPast(end string) error {
	last := end[len(end)-1]
	var tail []byte
	for {
		chunk, err := x.r.ReadSlice(last)
		tail = append(tail, chunk...)
		switch {
		case err == nil && bytes.HasSuffix(tail, []byte(end)):
			return nil
		case err != nil && !errors.Is(err, bufio.ErrBufferFull):
			return unexpectedEOF(err)
		}
		tail = tail[max(0, len(tail)-len(end)):]
	}
}

// readPast reads up to and past end, and returns what came before it.
func (x *xmlTokens) readPast(end string) ([]byte, error) {
	var read []byte
	last := end[len(end)-1]
	for {
		chunk, err := x.r.ReadSlice(last)
		if len(read)+len(chunk) > maxXMLText+len(end) {
			return nil, errXMLTextTooLong
		}
		read = append(read, chunk...)
		switch {
		case err == nil && bytes.HasSuffix(read, []byte(end)):
			return read[:len(read)-len(end)], nil
		case err != nil && !errors.Is(err, bufio.ErrBufferFull):
			return nil, unexpectedEOF(err)
		}
	}
}

// unescapeXML decodes the entities of text, and ends its lines with "\n", as XML has it; s is
// changed in place.
func unescapeXML(s []byte) ([]byte, error) {
	if bytes.IndexByte(s, '&') < 0 && bytes.IndexByte(s, '\r') < 0 {
		return s, nil
	}
	out := s[:0]
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\r':
			out = append(out, '\n')
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		case '&':
			end := bytes.IndexByte(s[i:], ';')
			if end < 0 {
				return nil, errors.New("an entity with no ;")
			}
			r, err := entity(s[i+1 : i+end])
			if err != nil {
				return nil, err
			}
			out = utf8.AppendRune(out, r)
			i += end
		default:
			out = append(out, c)
		}
	}
	return out, nil
}

// lineEnds ends the lines of text, CDATA's, with "\n", as XML has it; s is changed in place.
func lineEnds(s []byte) []byte {
	if bytes.IndexByte(s, '\r') < 0 {
		return s
	}
	out := s[:0]
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] != '\r':
			out = append(out, s[i])
		case i+1 < len(s) && s[i+1] == '\n':
		default:
			out = append(out, '\n')
		}
	}
	return out
}

// entity is the character an entity (between & and ;) stands for.
func entity(name []byte) (rune, error) {
	switch string(name) {
	case "lt":
		return '<', nil
	case "gt":
		return '>', nil
	case "amp":
		return '&', nil
	case "apos":
		return '\'', nil
	case "quot":
		return '"', nil
	}
	if num, ok := bytes.CutPrefix(name, []byte("#")); ok {
		base := 10
		if hex, ok := bytes.CutPrefix(num, []byte("x")); ok {
			num, base = hex, 16
		}
		n, err := strconv.ParseUint(string(num), base, 32)
		if err == nil && n <= 0x10FFFF {
			return rune(n), nil
		}
	}
	return 0, fmt.Errorf("an entity &%s; XML does not have", name)
}
