package importer

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/gocarina/gocsv"
)

const (
	// maxCellBytes is far above any valid value; a larger cell is a row problem.
	maxCellBytes = 64 << 10
	// maxRecordBytes bounds the memory one record may take. Past it the file is not a store list
	// (typically a quote opened and never closed swallows the rest of the file).
	maxRecordBytes = 1 << 20
	// maxRowCells is as many columns as a spreadsheet has (Excel's last is XFD), so that any sheet
	// saved as CSV reads, empty columns at its end and all. A record with more was not saved from
	// one, and each of its cells costs memory however short: like a record over maxRecordBytes,
	// it is a file error.
	maxRowCells = 16_384
)

var (
	errRecordTooLong = errors.New("record too long")
	errTooManyCells  = errors.New("too many cells")
)

// ReadOptions are the choices a Reader needs from the user.
type ReadOptions struct {
	Encoding string // a CSV's: EncodingAuto (also when empty), EncodingUTF8 or EncodingSJIS
	Sheet    string // a workbook's sheet to read; "" for the Reader to choose (see workbook.choose)
	// IDsOnly reads only what Scan's quick pass over the whole file needs: each row's line, its
	// structural problems and its public_id, trimmed but not checked. The other cells are neither
	// checked nor decoded.
	IDsOnly bool
	// strings are a workbook's shared strings as an earlier read of it had them (Scan's), read
	// again only if the workbook's part is not the same: each read would hold its own copy.
	strings *sharedStrings
}

// Row is one record of the file: a store to import, or the problems that keep it from being one.
type Row struct {
	Line     int      // the file line the record starts on, or the workbook's row; the header is line 1
	Raw      []string // the record's cells as written, decoded to UTF-8, for the errors file
	Store    Store    // the cells of known columns, trimmed and normalized
	Problems []Problem
}

// Reader reads the stores of a CSV file, or of a workbook's sheet, one record at a time: a sheet's
// rows are records like a CSV's, checked the same way. Behind Next, one goroutine parses
// the file and others check batches of its records, so that reading a large file uses every core;
// no more than a few batches, each bounded in records and in bytes, are held at once. Close stops
// them when the rows are not read to the end.
type Reader struct {
	src      source
	encoding string   // a CSV's; "" for a workbook
	sheet    string   // the workbook's sheet read; "" for a CSV
	header   []string // as written, without the empty cells at its end
	names    []string // the header's cells trimmed: the columns as problems name them
	at       []int    // per header cell: the index of its column, or ignoredCell or errorCell
	idCell   int      // the header cell of the public_id column
	maxCells int      // maxRowCells, plus the error column of an errors CSV, which is not the merchant's
	warnings []Warning
	idsOnly  bool
	pending  []*Row                // checked and decoded, not yet returned
	ahead    <-chan (<-chan batch) // the batches after pending, in file order; nil until Next
	stop     chan struct{}         // closed by Close
	exited   chan struct{}         // closed when the producer no longer reads the source
	err      error                 // io.EOF or the *FileError that ended reading
}

// NewReader tells a workbook from a CSV by the file's content, finds the sheet to read or the
// CSV's encoding, reads the header and checks that it has the required columns. A file that
// cannot be read as a list of stores fails with a *FileError. A workbook is read at an offset
// when r can be (a file, bytes in memory), else read into memory.
func NewReader(r io.Reader, opts ReadOptions) (*Reader, error) {
	in := bufio.NewReaderSize(r, sampleBytes)
	rd := &Reader{idsOnly: opts.IDsOnly}
	sheet, err := openSheet(r, in, opts.Sheet, opts.strings)
	switch {
	case err != nil:
		return nil, err
	case sheet != nil:
		rd.src, rd.sheet = sheet, sheet.name
	case opts.Sheet != "":
		return nil, fmt.Errorf("sheet %q was asked for, but the file is not a workbook", opts.Sheet)
	default:
		csv, encoding, err := decode(in, opts.Encoding)
		if err != nil {
			return nil, err
		}
		rd.src, rd.encoding = newCSVSource(csv), encoding
	}
	cells, line, err := rd.src.header()
	if err != nil {
		return nil, rd.located(err)
	}
	if err := rd.setHeader(cells, line); err != nil {
		return nil, rd.located(err)
	}
	return rd, nil
}

// located names the sheet in a file error of a workbook's row.
func (r *Reader) located(err error) error {
	var fe *FileError
	if r.sheet != "" && errors.As(err, &fe) && fe.Line > 0 {
		fe.Sheet = r.sheet
	}
	return err
}

// Sheet is the workbook's sheet read, or "" when the file is a CSV.
func (r *Reader) Sheet() string { return r.sheet }

// sharedStrings are the workbook's shared strings; nil for a CSV.
func (r *Reader) sharedStrings() *sharedStrings {
	if rows, ok := r.src.(*sheetRows); ok {
		return rows.strings
	}
	return nil
}

// Header is the file's header as written, without empty cells at its end.
func (r *Reader) Header() []string { return slices.Clone(r.header) }

// Warnings are the header's columns that the import ignores.
func (r *Reader) Warnings() []Warning { return slices.Clone(r.warnings) }

// ColumnHeader is the header cell, as the file writes it, of the column named name (public_id,
// ...), so that messages name a column the way the merchant's file does; name when it has none.
func (r *Reader) ColumnHeader(name string) string {
	for i, col := range r.at {
		if col >= 0 && columns[col].Name == name {
			return r.names[i]
		}
	}
	return name
}

// Header cells that are not a column of the store: an unknown column, whose cells are kept in
// an errors CSV, or an earlier errors CSV's error column, whose cells are replaced there. The
// latter are not read at all: a damaged old message must not hold back a row fixed since.
const (
	ignoredCell = -1
	errorCell   = -2
)

// Encoding is a CSV file's encoding, EncodingUTF8 or EncodingSJIS, so that files written for the
// merchant from this one can use it too; "" for a workbook.
func (r *Reader) Encoding() string { return r.encoding }

// Next returns the next record that has a non-empty cell, or io.EOF after the last. A malformed
// record is a Row with problems. An error other than io.EOF ends reading, and Next returns it
// again on every later call: a *FileError when the file is at fault, after which the rest of it
// cannot be read reliably. A Reader is used from one goroutine: Next and Close are not safe to
// call at the same time.
func (r *Reader) Next() (*Row, error) {
	if r.ahead == nil && r.err == nil {
		r.start()
	}
	for len(r.pending) == 0 {
		if r.err != nil {
			return nil, r.err
		}
		next := <-<-r.ahead // the producer ends with a batch that has an error
		r.pending = next.rows
		if next.err != nil {
			r.err = next.err
			r.halt() // after a batch that failed to decode, the producer may still be parsing
		}
	}
	row := r.pending[0]
	r.pending[0] = nil
	r.pending = r.pending[1:]
	return row, nil
}

// Close stops reading ahead, for a caller that does not read on until Next returns an error. It
// returns once the source is no longer read, after the record being parsed; from then on Next
// returns an error.
func (r *Reader) Close() {
	r.halt()
	if r.exited != nil {
		<-r.exited
	}
	r.pending = nil
	if r.err == nil {
		r.err = errReaderClosed
	}
}

func (r *Reader) halt() {
	if r.stop != nil && !r.stopped() {
		close(r.stop)
	}
}

func (r *Reader) stopped() bool {
	select {
	case <-r.stop:
		return true
	default:
		return false
	}
}

var errReaderClosed = errors.New("the reader is closed")

// batchesAhead is how many checked or checking batches may wait for Next, about one per core,
// within a bound on what is read ahead; the producer holds one more while it waits for room.
var batchesAhead = min(max(runtime.GOMAXPROCS(0), 2), 4)

// decodeBatch is how many records are checked and handed to gocsv at once: gocsv matches the
// header to Store's fields once per call, which per record would cost more than reading the record.
const decodeBatch = 256

// batchBytes ends a batch before decodeBatch records once their cells take this much memory, so
// that what is read ahead stays small whatever the rows' shape: 256 records of a MiB each, or of
// many short cells, would take hundreds of MiB. A store list's rows reach decodeBatch first.
const batchBytes = 256 << 10

// cellHeaderBytes is what a cell takes besides its text; in a row of one-character cells, most.
const cellHeaderBytes = int(unsafe.Sizeof(""))

// batch is a run of rows, checked and decoded; or, with err, the end of reading: io.EOF, a
// *FileError, or a failure to decode.
type batch struct {
	rows []*Row
	err  error
}

func (r *Reader) start() {
	ahead := make(chan (<-chan batch), batchesAhead)
	r.ahead, r.stop, r.exited = ahead, make(chan struct{}), make(chan struct{})
	go r.produce(ahead)
}

// produce parses the file a batch at a time and starts checking each batch on its own goroutine,
// queueing the batches in file order: parsing is sequential, but checking is most of a row's cost.
// A file-level error ends parsing; it is queued after the rows before it.
func (r *Reader) produce(ahead chan<- (<-chan batch)) {
	defer close(r.exited)
	for {
		records, err := r.parseBatch()
		if len(records) > 0 {
			done := make(chan batch, 1)
			go func() {
				rows, err := r.checkBatch(records)
				done <- batch{rows, err}
			}()
			if !r.queue(ahead, done) {
				return
			}
		}
		if err != nil {
			end := make(chan batch, 1)
			end <- batch{err: err}
			r.queue(ahead, end)
			return
		}
	}
}

// queue waits for room ahead, unless the reader is closed meanwhile.
func (r *Reader) queue(ahead chan<- (<-chan batch), b <-chan batch) bool {
	if r.stopped() {
		return false // a select with room ahead too would pick either
	}
	select {
	case ahead <- b:
		return true
	case <-r.stop:
		return false
	}
}

// parseBatch parses up to decodeBatch records, fewer once their cells reach batchBytes; err ends
// the file, or the reader was closed.
func (r *Reader) parseBatch() ([]parsed, error) {
	records := make([]parsed, 0, decodeBatch)
	for size := 0; len(records) < decodeBatch && size < batchBytes; {
		if r.stopped() {
			return nil, errReaderClosed
		}
		rec, err := r.nextRecord()
		if err != nil {
			return records, err
		}
		records = append(records, rec)
		size += rec.size()
	}
	return records, nil
}

// parsed is a record as the parser read it, not yet checked.
type parsed struct {
	line       int
	cells      []string
	structural []Problem  // a stray quote, found while parsing
	kinds      []cellKind // a workbook's, by cell; nil when every cell is text, as a CSV's are
}

// kind is what cell i holds.
func (p parsed) kind(i int) cellKind {
	if i < len(p.kinds) {
		return p.kinds[i]
	}
	return kindText
}

// size is about the memory the record's cells take: the parser puts their text in one string.
func (p parsed) size() int {
	n := len(p.cells)*cellHeaderBytes + len(p.kinds)
	for _, c := range p.cells {
		n += len(c)
	}
	return n
}

// checkBatch makes each record a Row, checked and decoded. It only reads what NewReader set, so
// batches can be checked at the same time, and while the next records are parsed.
func (r *Reader) checkBatch(records []parsed) ([]*Row, error) {
	rows := make([]*Row, len(records))
	values := make([][]string, len(records))
	for i, rec := range records {
		rows[i], values[i] = r.newRow(rec)
	}
	if r.idsOnly {
		// Only the id is wanted, as it is written: no need to have gocsv decode the rest.
		for i, row := range rows {
			row.Store.PublicID = values[i][publicIDColumn]
		}
		return rows, nil
	}
	stores, err := decodeStores(values)
	if err != nil {
		return nil, err
	}
	for i, row := range rows {
		row.Store = stores[i]
	}
	return rows, nil
}

// nextRecord parses one record.
func (r *Reader) nextRecord() (parsed, error) {
	rec, err := r.src.next()
	if err != nil {
		return parsed{}, r.located(err)
	}
	if err := r.tooWide(rec.cells, rec.line); err != nil {
		return parsed{}, r.located(err)
	}
	return rec, nil
}

// tooWide is the file error of a record with more than maxCells cells, or nil. The source stops
// most such records before it makes their cells; not the header, whose limit is known only once
// it is read, nor a record a CSV's forgiving parse reads otherwise.
func (r *Reader) tooWide(cells []string, line int) error {
	if len(cells) > r.maxCells {
		return &FileError{Code: FileTooManyCells, Line: line}
	}
	return nil
}

func (r *Reader) setHeader(cells []string, line int) error {
	for len(cells) > 0 && strings.TrimSpace(cells[len(cells)-1]) == "" {
		cells = cells[:len(cells)-1] // Excel's trailing commas
	}
	// The limit is checked before the cells are, which warn of each unknown column.
	r.maxCells = maxRowCells
	if slices.ContainsFunc(cells, isErrorHeader) {
		r.maxCells++ // so that a row at the limit reads back from its errors CSV
	}
	if err := r.tooWide(cells, line); err != nil {
		return err
	}
	r.src.limitCells(r.maxCells)
	r.header = cells
	r.names = make([]string, len(cells))
	r.at = make([]int, len(cells))
	seen := map[int]int{} // column index -> header cell
	for i, cell := range cells {
		// The first line was judged for binary data as the file was opened; this judges the
		// header wherever blank lines put it, as an errors CSV, which writes it first, will be.
		if strings.ContainsFunc(cell, isControlByte) {
			return &FileError{Code: FileHeaderControl, Line: line, Column: i + 1}
		}
		r.at[i], r.names[i] = ignoredCell, cellValue(cell)
		key := headerKey(cell)
		col, known := columnByKey[key]
		switch {
		case known:
			if j, twice := seen[col]; twice {
				return &FileError{Code: FileDuplicateColumn, Line: line, Column: i + 1,
					Names: []string{r.names[j], r.names[i]}}
			}
			seen[col], r.at[i] = i, col
		case key == ErrorColumn:
			r.at[i] = errorCell // the column the tool adds to an errors CSV: a fixed file is imported as it is
		case key == "":
			r.warnings = append(r.warnings, Warning{Code: WarnUnnamedColumn, Index: i + 1, Cell: r.cellRef(i, line)})
		default:
			r.warnings = append(r.warnings, Warning{Code: WarnUnknownColumn, Column: r.names[i], Index: i + 1})
		}
	}
	if missing := missingColumns(cells); len(missing) > 0 {
		return &FileError{Code: FileMissingColumns, Line: line, Names: missing}
	}
	r.idCell = seen[publicIDColumn]
	return nil
}

func isErrorHeader(cell string) bool { return headerKey(cell) == ErrorColumn }

// missingColumns names the required columns a header lacks, in English and in Japanese.
func missingColumns(header []string) []string {
	has := map[int]bool{}
	for _, cell := range header {
		if col, known := columnByKey[headerKey(cell)]; known {
			has[col] = true
		}
	}
	var missing []string
	for i, c := range columns {
		if c.Required && !has[i] {
			missing = append(missing, fmt.Sprintf("%s (%s)", c.Name, c.Label))
		}
	}
	return missing
}

// newRow checks one record and returns it with the values of its columns, for decoding. A record
// whose cells do not line up with the header (structural problems) gets only those problems:
// checking misplaced values would only mislead. A workbook's cell that holds a number or a date
// gets its column's problem for such a cell instead of the rule's. With IDsOnly only the
// public_id is read, and not checked.
func (r *Reader) newRow(rec parsed) (*Row, []string) {
	cells, structural := rec.cells, rec.structural
	switch {
	case r.sheet != "":
		// A sheet's row ends at its last cell with something in it: those after it are empty, not
		// missing, and a required one is to be told so.
		cells = padded(cells, len(r.header))
	case structural == nil:
		structural = r.cellCount(cells)
	}
	row := &Row{Line: rec.line, Raw: cells, Problems: structural}
	values := make([]string, len(columns))
	if r.idsOnly {
		if i := r.idCell; i < len(cells) {
			if _, bad := r.cellProblem(cells[i]); !bad {
				values[publicIDColumn] = r.cellValue(cells[i])
			}
		}
		return row, values
	}
	for i, cell := range cells {
		column := ""
		if i < len(r.header) {
			if r.at[i] == errorCell {
				continue
			}
			column = r.names[i]
		}
		if p, bad := r.cellProblem(cell); bad {
			p.Column, p.Cell = column, r.cellRef(i, rec.line)
			row.Problems = append(row.Problems, p)
			continue
		}
		if i >= len(r.header) || r.at[i] < 0 {
			continue
		}
		v := r.cellValue(cell)
		if len(structural) == 0 {
			var problems []Problem
			if col := &columns[r.at[i]]; rec.kind(i) == kindText {
				v, problems = col.check(v)
			} else {
				problems = []Problem{col.notText(v, rec.kind(i))}
			}
			for _, p := range problems {
				p.Column, p.Cell = column, r.cellRef(i, rec.line)
				row.Problems = append(row.Problems, p)
			}
		}
		values[r.at[i]] = v
	}
	return row, values
}

// cellRef names cell i of a workbook's row as the spreadsheet does (E5); "" in a CSV, whose
// report names the line.
func (r *Reader) cellRef(i, line int) string {
	if r.sheet == "" {
		return ""
	}
	return cellName(i, line)
}

// padded is cells with empty cells added up to n.
func padded(cells []string, n int) []string {
	if len(cells) >= n {
		return cells
	}
	return append(cells[:len(cells):len(cells)], make([]string, n-len(cells))...)
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

// record hands gocsv a batch of records' values under Store's own column names, in column order:
// gocsv maps them to Store's fields by the csv tags, while the Reader keeps the streaming, the line
// numbers and the raw cells, which gocsv's whole-file readers do not give. With exactly the tags
// as header, gocsv's header options (unmatched or doubled names) cannot reject a record.
type record [][]string

func (d record) GetCSVRows() ([][]string, error) { return d, nil }

func decodeStores(values [][]string) ([]Store, error) {
	stores := make([]Store, 0, len(values))
	if err := gocsv.UnmarshalDecoder(append(record{columnNames}, values...), &stores); err != nil {
		return nil, fmt.Errorf("decoding the rows: %w", err)
	}
	return stores, nil
}

// cellValue is the value of a cell of the file read. A workbook's cell is taken as it is, but
// trimmed: the tool never writes the ' that an errors CSV puts before a formula's look-alike into
// a workbook, so a ' there is the merchant's own.
func (r *Reader) cellValue(cell string) string {
	if r.sheet != "" {
		return strings.TrimSpace(oneLineBreak(cell))
	}
	return cellValue(cell)
}

// cellValue is the value a CSV cell holds: trimmed, line breaks as "\n", and without the ' that
// EscapeFormula puts before a formula. That ' is dropped before trimming too, so that an escaped
// cell that starts with a tab reads as it was written, not as a lone '.
func cellValue(cell string) string {
	v := strings.TrimSpace(unescapeFormula(oneLineBreak(cell)))
	if v == "" || v[0] != '\'' {
		return v // the common case: nothing more to undo
	}
	return strings.TrimSpace(unescapeFormula(v))
}

// oneLineBreak writes each line break in a cell as "\n". The CSV parser reads a CRLF in a quoted
// cell so already; a lone CR, as old Mac files have, would be lost by the CRLF writer of an
// errors CSV and then read back as something else.
func oneLineBreak(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
