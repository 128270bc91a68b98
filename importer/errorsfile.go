package importer

import (
	"fmt"

	"github.com/acme/storeimport/internal/atomicfile"
)

// errorsFile is the --errors-csv output; it appears only when the run finishes, so the merchant
// never gets a half-written file.
type errorsFile struct {
	file *atomicfile.File
	csv  *ErrorsCSV
}

func createErrorsFile(path string, header []string, encoding string) (*errorsFile, error) {
	file, err := atomicfile.Create(path)
	if err != nil {
		return nil, fmt.Errorf("the errors CSV: %w", err)
	}
	w, err := NewErrorsCSV(file, header, encoding)
	if err != nil {
		file.Abandon()
		return nil, err
	}
	return &errorsFile{file: file, csv: w}, nil
}

func (e *errorsFile) write(row *Row, message string) error {
	if err := e.csv.Write(row, message); err != nil {
		return fmt.Errorf("writing the errors CSV: %w", err)
	}
	return nil
}

// commit puts the finished file in place.
func (e *errorsFile) commit() error {
	if err := e.csv.Flush(); err != nil {
		return fmt.Errorf("writing the errors CSV: %w", err)
	}
	return e.file.Commit()
}

// abandon removes the file of a run that broke off; after commit it does nothing.
func (e *errorsFile) abandon() { e.file.Abandon() }
