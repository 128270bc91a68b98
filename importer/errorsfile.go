package importer

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/acme/storeimport/internal/atomicfile"
)

// errorsFile is the --errors-csv output; it appears only when the run finishes, so the merchant
// never gets a half-written file. It is of the input's kind: a CSV for a CSV, in its encoding;
// a workbook for a workbook.
type errorsFile struct {
	file   *atomicfile.File
	writer errorsWriter
}

// errorsWriter writes the rows to fix: an ErrorsCSV or an ErrorsXLSX.
type errorsWriter interface {
	Write(row *Row, message string) error
	Flush() error
}

func createErrorsFile(path string, plan *Plan, lang string) (*errorsFile, error) {
	file, err := atomicfile.Create(path)
	if err != nil {
		return nil, fmt.Errorf("the errors file: %w", err)
	}
	w, err := newErrorsWriter(file, filepath.Dir(path), plan, lang)
	if err != nil {
		file.Abandon()
		return nil, err
	}
	return &errorsFile{file: file, writer: w}, nil
}

// newErrorsWriter writes the errors file of plan's input to w; a workbook keeps in dir, beside
// the file, what does not fit in memory until it is written.
func newErrorsWriter(w io.Writer, dir string, plan *Plan, lang string) (errorsWriter, error) {
	if plan.sheet == "" {
		return NewErrorsCSV(w, plan.header, plan.encoding)
	}
	return NewErrorsXLSX(w, plan.header, plan.sheet, lang, dir)
}

func (e *errorsFile) write(row *Row, message string) error {
	if err := e.writer.Write(row, message); err != nil {
		return fmt.Errorf("writing the errors file: %w", err)
	}
	return nil
}

// commit puts the finished file in place.
func (e *errorsFile) commit() error {
	defer e.release()
	if err := e.writer.Flush(); err != nil {
		return fmt.Errorf("writing the errors file: %w", err)
	}
	return e.file.Commit()
}

// abandon removes the file of a run that broke off; after commit it does nothing.
func (e *errorsFile) abandon() {
	e.release()
	e.file.Abandon()
}

// release lets go of what a writer keeps aside (a workbook's temporary files).
func (e *errorsFile) release() {
	if c, ok := e.writer.(io.Closer); ok {
		_ = c.Close()
	}
}
