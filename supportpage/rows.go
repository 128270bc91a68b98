package supportpage

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/acme/storeimport/importer"
)

// pageSize is how many rows of the file a result page shows.
const pageSize = 100

// shownRow is a row of the report as the result page shows it: its verdict and, for each
// problem, the column as the merchant's header writes it and the message without that column.
type shownRow struct {
	Line     int            `json:"l"`
	PublicID string         `json:"i"`
	Status   string         `json:"s"`
	Problems []shownProblem `json:"p,omitempty"`
}

type shownProblem struct {
	Column  string `json:"c,omitempty"`
	Cell    string `json:"x,omitempty"` // a workbook's cell, such as E5
	Message string `json:"m"`
}

// showRow renders a result in lang: a problem a line, or the run's own message (such as a shop
// limit or a store of another organization) when no cell is at fault.
func showRow(res importer.Result, lang string) shownRow {
	row := shownRow{Line: res.Line, PublicID: res.PublicID, Status: string(res.Status)}
	if res.Row != nil && res.Status == importer.StatusInvalid && len(res.Row.Problems) > 0 {
		for _, p := range res.Row.Problems {
			row.Problems = append(row.Problems, shownProblem{Column: p.Column, Cell: p.Cell, Message: p.Message(lang)})
		}
	} else if res.Error != "" {
		row.Problems = []shownProblem{{Message: res.Error}}
	}
	return row
}

// rowsFile is a file of shown rows, one JSON document a line, and where each page starts.
type rowsFile struct {
	path  string
	pages []int64
	rows  int
}

func (f *rowsFile) pageCount() int { return max(1, len(f.pages)) }

// page reads the rows of page n (from 0).
func (f *rowsFile) page(n int) ([]shownRow, error) {
	if n < 0 || n >= len(f.pages) {
		return nil, nil
	}
	file, err := os.Open(f.path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	if _, err := file.Seek(f.pages[n], io.SeekStart); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bufio.NewReader(file))
	rows := make([]shownRow, 0, pageSize)
	for range pageSize {
		var row shownRow
		if err := dec.Decode(&row); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("reading the check's rows: %w", err)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// rowsWriter writes a rowsFile as the report goes.
type rowsWriter struct {
	file   *os.File
	buf    *bufio.Writer
	at     int64
	result rowsFile
}

func newRowsWriter(path string) (*rowsWriter, error) {
	file, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &rowsWriter{file: file, buf: bufio.NewWriterSize(file, 64<<10), result: rowsFile{path: path}}, nil
}

func (w *rowsWriter) write(row shownRow) error {
	line, err := json.Marshal(row)
	if err != nil {
		return err
	}
	if w.result.rows%pageSize == 0 {
		w.result.pages = append(w.result.pages, w.at)
	}
	w.result.rows++
	n, err := w.buf.Write(append(line, '\n'))
	w.at += int64(n)
	return err
}

func (w *rowsWriter) close() (rowsFile, error) {
	err := errors.Join(w.buf.Flush(), w.file.Close())
	return w.result, err
}
