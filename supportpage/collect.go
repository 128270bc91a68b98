package supportpage

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/acme/storeimport/importer"
)

// collector is the check's Reporter: the report CSV of validate --format csv, the rows the
// result page shows, and the tally of the reply, all fed by the one run.
type collector struct {
	lang    string
	report  importer.Reporter
	file    *os.File
	tally   importer.Tally
	all     *rowsWriter
	invalid *rowsWriter
	summary *importer.Summary
}

func newCollector(res *result, lang string) (*collector, error) {
	c := &collector{lang: lang}
	var err error
	if c.file, err = os.Create(res.reportPath); err != nil {
		return nil, err
	}
	if c.report, err = importer.NewReporter(c.file, "csv", "", true); err != nil {
		c.file.Close()
		return nil, err
	}
	if c.all, err = newRowsWriter(filepath.Join(res.dir, "rows.jsonl")); err != nil {
		c.file.Close()
		return nil, err
	}
	if c.invalid, err = newRowsWriter(filepath.Join(res.dir, "invalid.jsonl")); err != nil {
		c.file.Close()
		c.all.close()
		return nil, err
	}
	return c, nil
}

func (c *collector) Row(res importer.Result) error {
	row := showRow(res, c.lang)
	errs := []error{c.report.Row(res), c.tally.Row(res), c.all.write(row)}
	if res.Status == importer.StatusInvalid {
		errs = append(errs, c.invalid.write(row))
	}
	return errors.Join(errs...)
}

func (c *collector) Close(s *importer.Summary) error {
	c.summary = s
	return errors.Join(c.report.Close(s), c.tally.Close(s))
}

// finish closes the files and fills the result in.
func (c *collector) finish(res *result) error {
	var errAll, errInvalid error
	res.all, errAll = c.all.close()
	res.invalid, errInvalid = c.invalid.close()
	return errors.Join(errAll, errInvalid, c.file.Close())
}
