package importer

import (
	"fmt"
	"io"
)

// TemplateOptions choose the template support sends to a merchant.
type TemplateOptions struct {
	Lang     string // LangEN (also when empty) for English headers, LangJA for Japanese ones
	Example  bool   // add sample rows that show what each column takes
	Encoding string // EncodingUTF8 (also when empty, written with a BOM) or EncodingSJIS
}

// WriteTemplate writes the CSV template: the header and, when asked, sample rows, all from the
// column table.
func WriteTemplate(w io.Writer, opts TemplateOptions) error {
	if opts.Lang != "" && opts.Lang != LangEN && opts.Lang != LangJA {
		return fmt.Errorf("unknown language %q: use %s or %s", opts.Lang, LangEN, LangJA)
	}
	cw, err := newCSVWriter(w, opts.Encoding)
	if err != nil {
		return err
	}
	header := make([]string, len(columns))
	for i, c := range columns {
		header[i] = c.Header(opts.Lang)
	}
	records := [][]string{header}
	if opts.Example {
		for n := range columns[0].Examples {
			record := make([]string, len(columns))
			for i, c := range columns {
				record[i] = c.Examples[n]
			}
			records = append(records, record)
		}
	}
	if err := cw.WriteAll(records); err != nil {
		return fmt.Errorf("writing the template: %w", err)
	}
	return nil
}
