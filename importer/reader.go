package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gocarina/gocsv"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"
)

// The encodings of the CSV files the tool reads and writes.
const (
	EncodingAuto = "auto" // reading only: UTF-8 or Shift_JIS, whichever the file is
	EncodingUTF8 = "utf8" // written with a BOM, which is how Excel recognizes UTF-8
	EncodingSJIS = "sjis" // Shift_JIS as Windows and Excel write it (CP932)
)

const (
	// maxCellBytes is far above any valid value; a larger cell is a row problem.
	maxCellBytes = 64 << 10
	// maxRecordBytes bounds the memory one record may take. Past it the file is not a store list
	// (typically a quote opened and never closed swallows the rest of the file).
	maxRecordBytes = 1 << 20
	// sampleBytes is how much of the file the encoding is guessed from.
	sampleBytes = 64 << 10
)

var (
	utf8BOM          = []byte{0xEF, 0xBB, 0xBF}
	errRecordTooLong = errors.New("record too long")
)

// ReadOptions are the choices a Reader needs from the user.
type ReadOptions struct {
	Encoding string // EncodingAuto (also when empty), EncodingUTF8 or EncodingSJIS
}

// Row is one record of the file: a store to import, or the problems that keep it from being one.
type Row struct {
	Line     int      // the file line the record starts on; the header is line 1
	Raw      []string // the record's cells as written, decoded to UTF-8, for the errors CSV
	Store    Store    // the cells of known columns, trimmed and normalized
	Problems []Problem
}

// Reader reads the stores of a CSV file one record at a time, holding no more than one record.
type Reader struct {
	csv      *csv.Reader
	feed     *lineFeeder
	encoding string
	header   []string // as written, without the empty cells at its end
	at       []int    // per header cell: the index of its column, or -1 when the cell is ignored
	warnings []string
	err      error // io.EOF or the *FileError that ended reading
}

// NewReader detects the encoding, reads the header and checks that it has the required columns.
// A file that cannot be read as a store CSV fails with a *FileError.
func NewReader(r io.Reader, opts ReadOptions) (*Reader, error) {
	src, encoding, err := decode(r, opts.Encoding)
	if err != nil {
		return nil, err
	}
	feed := &lineFeeder{src: src}
	cr := csv.NewReader(feed)
	cr.FieldsPerRecord = -1 // a ragged record is a problem of its row, not the end of the file
	rd := &Reader{csv: cr, feed: feed, encoding: encoding}
	cells, line, err := rd.read()
	switch {
	case errors.Is(err, io.EOF):
		return nil, &FileError{Code: FileEmpty}
	case err != nil:
		if ferr := rd.fatal(err); ferr != nil {
			return nil, ferr
		}
		var pe *csv.ParseError
		errors.As(err, &pe)
		return nil, &FileError{Code: FileBadHeader, Line: pe.StartLine, Err: err}
	}
	if err := rd.setHeader(cells, line); err != nil {
		return nil, err
	}
	return rd, nil
}

// Header is the file's header as written, without empty cells at its end.
func (r *Reader) Header() []string { return slices.Clone(r.header) }

// Warnings are what the header has that the import ignores, in English for the log.
func (r *Reader) Warnings() []string { return slices.Clone(r.warnings) }

// Encoding is the file's encoding, EncodingUTF8 or EncodingSJIS, so that files written for the
// merchant from this one can use it too.
func (r *Reader) Encoding() string { return r.encoding }

// Next returns the next record that has a non-empty cell, or io.EOF after the last. A malformed
// record is a Row with problems; an error other than io.EOF is a *FileError, after which the
// rest of the file cannot be read reliably.
func (r *Reader) Next() (*Row, error) {
	if r.err != nil {
		return nil, r.err
	}
	cells, line, err := r.read()
	if err != nil {
		if r.err = r.fatal(err); r.err != nil {
			return nil, r.err
		}
		// The parser stopped at a quote on this record's last line and goes on with the next line,
		// so only this record is lost; its cells are recovered with a forgiving parse.
		var pe *csv.ParseError
		errors.As(err, &pe)
		return r.newRow(pe.StartLine, r.feed.lenientCells(), []Problem{{Code: CodeStrayQuote}})
	}
	return r.newRow(line, cells, nil)
}

// read returns the next record that has a non-empty cell, and the line it starts on.
func (r *Reader) read() ([]string, int, error) {
	for {
		r.feed.startRecord()
		cells, err := r.csv.Read()
		if err != nil {
			return nil, 0, err
		}
		if !blank(cells) {
			line, _ := r.csv.FieldPos(0)
			return cells, line, nil
		}
	}
}

// fatal turns an error of the parser into the error that ends reading, io.EOF or a *FileError,
// or nil when only the record is lost: a quote out of place on the record's last line, after
// which the parser goes on at the next line.
func (r *Reader) fatal(err error) error {
	if errors.Is(err, io.EOF) {
		return io.EOF
	}
	if line := r.feed.openQuote(math.MaxInt); line > 0 {
		return &FileError{Code: FileUnclosedQuote, Line: line, Err: err}
	}
	if errors.Is(err, errRecordTooLong) {
		return &FileError{Code: FileRecordTooLong, Line: r.feed.recordLine()}
	}
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return &FileError{Code: FileRead, Err: err}
	}
	// A quoted cell that spans lines and is followed by more than a comma was most likely
	// opened by mistake, and then its closing quote belongs to a later cell: the lines in
	// between are misread, so the file cannot be trusted from here on.
	if line := r.feed.openQuote(pe.Line); line > 0 {
		return &FileError{Code: FileUnclosedQuote, Line: line, Err: err}
	}
	return nil
}

func (r *Reader) setHeader(cells []string, line int) error {
	for len(cells) > 0 && strings.TrimSpace(cells[len(cells)-1]) == "" {
		cells = cells[:len(cells)-1] // Excel's trailing commas
	}
	r.header = cells
	r.at = make([]int, len(cells))
	seen := map[int]int{} // column index -> header cell
	for i, cell := range cells {
		r.at[i] = -1
		key := headerKey(cell)
		col, known := columnByKey[key]
		switch {
		case known:
			if j, twice := seen[col]; twice {
				return &FileError{Code: FileDuplicateColumn, Line: line, Column: i + 1,
					Names: []string{strings.TrimSpace(cells[j]), strings.TrimSpace(cell)}}
			}
			seen[col], r.at[i] = i, col
		case key == ErrorColumn:
			// The column the tool adds to an errors CSV: a fixed file is imported as it is.
		case key == "":
			r.warnings = append(r.warnings, fmt.Sprintf("column %d has no header; its cells are ignored", i+1))
		default:
			r.warnings = append(r.warnings, fmt.Sprintf("unknown column %q is ignored; the columns are %s", strings.TrimSpace(cell), ExpectedHeader()))
		}
	}
	var missing []string
	for i, c := range columns {
		if _, ok := seen[i]; !ok && c.Required {
			missing = append(missing, fmt.Sprintf("%s (%s)", c.Name, c.Label))
		}
	}
	if len(missing) > 0 {
		return &FileError{Code: FileMissingColumns, Line: line, Names: missing}
	}
	return nil
}

// newRow checks and decodes one record. A record whose cells do not line up with the header
// (structural problems) gets only those problems: checking misplaced values would only mislead.
func (r *Reader) newRow(line int, cells []string, structural []Problem) (*Row, error) {
	if structural == nil {
		structural = r.cellCount(cells)
	}
	row := &Row{Line: line, Raw: cells, Problems: structural}
	values := make([]string, len(columns))
	for i, cell := range cells {
		column := ""
		if i < len(r.header) {
			column = strings.TrimSpace(r.header[i])
		}
		if p, bad := r.cellProblem(cell); bad {
			p.Column = column
			row.Problems = append(row.Problems, p)
			continue
		}
		if i >= len(r.header) || r.at[i] < 0 {
			continue
		}
		v := strings.TrimSpace(unescapeFormula(strings.TrimSpace(cell)))
		if len(structural) == 0 {
			var problems []Problem
			v, problems = columns[r.at[i]].check(v)
			for _, p := range problems {
				p.Column = column
				row.Problems = append(row.Problems, p)
			}
		}
		values[r.at[i]] = v
	}
	var err error
	row.Store, err = decodeStore(values)
	if err != nil {
		return nil, fmt.Errorf("line %d: %w", line, err)
	}
	return row, nil
}

// cellCount is the problem of a record whose cells do not match the header one for one. Empty
// cells past the header are Excel's trailing commas, not cells.
func (r *Reader) cellCount(cells []string) []Problem {
	n := len(cells)
	if n == len(r.header) || (n > len(r.header) && blank(cells[len(r.header):])) {
		return nil
	}
	return []Problem{{Code: CodeCellCount, Count: n, Limit: len(r.header)}}
}

// cellProblem is what makes a cell unusable whatever its column: damage, or the wrong encoding.
func (r *Reader) cellProblem(cell string) (Problem, bool) {
	switch {
	case len(cell) > maxCellBytes:
		return Problem{Code: CodeCellTooLarge, Limit: maxCellBytes, Count: len(cell)}, true
	case strings.IndexByte(cell, 0) >= 0:
		return Problem{Code: CodeNUL}, true
	case r.encoding == EncodingUTF8 && !utf8.ValidString(cell):
		return Problem{Code: CodeNotUTF8, Value: strings.TrimSpace(cell)}, true
	case r.encoding == EncodingSJIS && strings.ContainsRune(cell, utf8.RuneError):
		// The decoder turns bytes that are not Shift_JIS into U+FFFD, which Shift_JIS cannot encode.
		return Problem{Code: CodeNotSJIS, Value: strings.TrimSpace(cell)}, true
	}
	return Problem{}, false
}

// record hands gocsv one record's values under Store's own column names, in column order: gocsv
// maps them to Store's fields by the csv tags, while the Reader keeps the streaming, the line
// numbers and the raw cells, which gocsv's whole-file readers do not give. With exactly the tags
// as header, gocsv's header options (unmatched or doubled names) cannot reject a record.
type record [][]string

func (d record) GetCSVRows() ([][]string, error) { return d, nil }

func decodeStore(values []string) (Store, error) {
	var stores []Store
	if err := gocsv.UnmarshalDecoder(record{columnNames, values}, &stores); err != nil {
		return Store{}, fmt.Errorf("decoding the row: %w", err)
	}
	return stores[0], nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// decode returns the file as UTF-8 without a BOM, and its encoding. It looks at the file's start
// only, so that a large file is never held in memory.
func decode(r io.Reader, encoding string) (*bufio.Reader, string, error) {
	br := bufio.NewReaderSize(r, sampleBytes)
	sample, err := br.Peek(sampleBytes)
	atEOF := errors.Is(err, io.EOF)
	switch {
	case err != nil && !atEOF:
		return nil, "", &FileError{Code: FileRead, Err: err}
	case len(sample) == 0:
		return nil, "", &FileError{Code: FileEmpty}
	case bytes.HasPrefix(sample, []byte{0xFF, 0xFE}) || bytes.HasPrefix(sample, []byte{0xFE, 0xFF}):
		return nil, "", &FileError{Code: FileUTF16}
	}
	if off := controlByteAt(sample); off >= 0 {
		return nil, "", badByte(FileNotText, sample, off)
	}
	bom := bytes.HasPrefix(sample, utf8BOM)
	switch encoding {
	case EncodingAuto, "":
		utf8Bad := utf8InvalidAt(sample, atEOF)
		if bom || utf8Bad < 0 {
			encoding = EncodingUTF8
			break
		}
		sjisBad := sjisInvalidAt(sample, atEOF)
		if sjisBad >= 0 {
			// The encoding that reads further is the likelier one; its first bad byte is the news.
			return nil, "", badByte(FileUnknownEncoding, sample, max(utf8Bad, sjisBad))
		}
		encoding = EncodingSJIS
	case EncodingUTF8:
		if off := utf8InvalidAt(sample, atEOF); off >= 0 {
			return nil, "", badByte(FileNotUTF8, sample, off)
		}
	case EncodingSJIS:
		if bom {
			return nil, "", badByte(FileNotSJIS, sample, 0)
		}
		if off := sjisInvalidAt(sample, atEOF); off >= 0 {
			return nil, "", badByte(FileNotSJIS, sample, off)
		}
	default:
		return nil, "", fmt.Errorf("unknown encoding %q: use %s, %s or %s", encoding, EncodingAuto, EncodingUTF8, EncodingSJIS)
	}
	if encoding == EncodingSJIS {
		return bufio.NewReader(transform.NewReader(br, japanese.ShiftJIS.NewDecoder())), encoding, nil
	}
	if bom {
		_, _ = br.Discard(len(utf8BOM)) // already buffered: cannot fail
	}
	return br, encoding, nil
}

func badByte(code FileCode, sample []byte, off int) *FileError {
	return &FileError{Code: code, Offset: int64(off), Line: 1 + bytes.Count(sample[:off], []byte{'\n'})}
}

// controlByteAt finds, in the first line, a byte no text has: binary data, or UTF-16 without a
// BOM, whose ASCII comes with NUL bytes. Later lines are not judged: one damaged cell is a
// problem of its row, not of the file.
func controlByteAt(b []byte) int {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	return bytes.IndexFunc(b, func(r rune) bool {
		return (r < 0x20 && r != '\t' && r != '\r') || r == 0x7F
	})
}

// utf8InvalidAt is the offset of the first byte of b that is not UTF-8, or -1. Unless atEOF, an
// incomplete character at the end is the sample's cut, not a bad byte.
func utf8InvalidAt(b []byte, atEOF bool) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			if !atEOF && !utf8.FullRune(b[i:]) {
				return -1
			}
			return i
		}
		i += n
	}
	return -1
}

// sjisInvalidAt is utf8InvalidAt for Shift_JIS (CP932): single bytes are ASCII and half-width
// katakana, double bytes a lead byte and a trail byte.
func sjisInvalidAt(b []byte, atEOF bool) int {
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c < 0x80 || (0xA1 <= c && c <= 0xDF):
		case (0x81 <= c && c <= 0x9F) || (0xE0 <= c && c <= 0xFC):
			if i+1 == len(b) {
				if atEOF {
					return i
				}
				return -1
			}
			if t := b[i+1]; t < 0x40 || t == 0x7F || t > 0xFC {
				return i
			}
			i++
		default:
			return i
		}
	}
	return -1
}

// lineFeeder hands the CSV parser at most one line per Read. The parser then never holds more
// than the line it is on, so the feeder knows the current record's text: to name the line where
// a quote was opened, to re-read a malformed record, and to stop a record that would grow past
// maxRecordBytes, as one whose quote is never closed would, up to the whole file.
type lineFeeder struct {
	src     *bufio.Reader
	pending []byte // the rest of the line being handed out
	err     error  // what src said after pending
	lines   int    // line breaks handed out
	record  []byte // what was handed out since startRecord: blank lines, then the record
	first   int    // the line record starts on
}

func (f *lineFeeder) startRecord() {
	f.record = f.record[:0]
	f.first = f.lines + 1
}

func (f *lineFeeder) Read(p []byte) (int, error) {
	if len(f.pending) == 0 {
		if f.err != nil {
			return 0, f.err
		}
		f.pending, f.err = f.src.ReadSlice('\n')
		if errors.Is(f.err, bufio.ErrBufferFull) {
			f.err = nil // a long line: the rest comes with the next slice
		}
		if len(f.pending) == 0 {
			return 0, f.err
		}
	}
	if len(f.record)+len(f.pending) > maxRecordBytes {
		return 0, errRecordTooLong
	}
	n := copy(p, f.pending)
	f.pending = f.pending[n:]
	f.record = append(f.record, p[:n]...)
	f.lines += bytes.Count(p[:n], []byte{'\n'})
	return n, nil
}

// openQuote scans the record's text as CSV and returns the line on which a quoted cell was
// opened that is still open where line stop begins (or at the end of the text), or 0.
func (f *lineFeeder) openQuote(stop int) int {
	text, line, opened, cellStart := f.record, f.first, 0, true
	for i := 0; i < len(text) && line < stop; i++ {
		c := text[i]
		switch {
		case opened > 0 && c == '"' && i+1 < len(text) && text[i+1] == '"':
			i++ // a doubled quote inside a quoted cell
		case opened > 0 && c == '"':
			opened = 0
		case opened == 0 && c == '"' && cellStart:
			opened = line
		}
		cellStart = opened == 0 && (c == ',' || c == '\n')
		if c == '\n' {
			line++
		}
	}
	return opened
}

// recordLine is the line the record starts on, past the blank lines the parser skipped.
func (f *lineFeeder) recordLine() int {
	line, text := f.first, f.record
	for {
		rest, ok := bytes.CutPrefix(text, []byte("\n"))
		if !ok {
			rest, ok = bytes.CutPrefix(text, []byte("\r\n"))
		}
		if !ok {
			return line
		}
		text, line = rest, line+1
	}
}

// lenientCells re-reads the record the parser rejected, taking stray quotes as text, so that the
// errors CSV gives the merchant back everything that was on the line.
func (f *lineFeeder) lenientCells() []string {
	lr := csv.NewReader(bytes.NewReader(f.record))
	lr.LazyQuotes = true
	lr.FieldsPerRecord = -1
	cells, err := lr.Read()
	if err != nil {
		return nil
	}
	return cells
}

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
	FileMissingColumns  FileCode = "missing_columns"
	FileDuplicateColumn FileCode = "duplicate_column"
	FileUnclosedQuote   FileCode = "unclosed_quote"
	FileRecordTooLong   FileCode = "record_too_long"
	FileRead            FileCode = "read" // the file could not be read; Err says why
)

// FileError is a problem that keeps the whole file from being imported.
type FileError struct {
	Code   FileCode
	Line   int      // the line at fault, 1-based; 0 when not one line
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
	if e.Line == 0 {
		return e.message(ja)
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
	case FileRead:
		return pick(ja, fmt.Sprintf("reading the file failed: %v", e.Err), fmt.Sprintf("ファイルを読めませんでした: %v", e.Err))
	}
	return string(e.Code)
}
