package importer

import (
	"fmt"
	"io"
	"strings"
)

// TemplateOptions choose the template support sends to a merchant.
type TemplateOptions struct {
	Lang     string // LangEN (also when empty) for English headers, LangJA for Japanese ones
	Example  bool   // add sample rows that show what each column takes
	Encoding string // EncodingUTF8 (also when empty, written with a BOM) or EncodingSJIS; CSV only
}

// The template's file formats and a CSV template's encodings, as the command line and the support
// page offer them.
var (
	TemplateFormats   = []string{"csv", "xlsx"}
	TemplateEncodings = []string{EncodingUTF8, EncodingSJIS}
)

// WriteTemplateAs writes the template in format, "csv" (also when empty: WriteTemplate) or
// "xlsx" (WriteTemplateXLSX, which has no encoding: opts.Encoding is not used).
func WriteTemplateAs(w io.Writer, format string, opts TemplateOptions) error {
	switch format {
	case "csv", "":
		return WriteTemplate(w, opts)
	case "xlsx":
		opts.Encoding = ""
		return WriteTemplateXLSX(w, opts)
	}
	return fmt.Errorf("unknown template format %q: use %s", format, strings.Join(TemplateFormats, " or "))
}

// WriteTemplate writes the CSV template: the header and, when asked, sample rows, all from the
// column table.
func WriteTemplate(w io.Writer, opts TemplateOptions) error {
	if err := checkTemplateLang(opts.Lang); err != nil {
		return err
	}
	cw, err := newCSVWriter(w, opts.Encoding)
	if err != nil {
		return err
	}
	if err := cw.WriteAll(templateRecords(opts)); err != nil {
		return fmt.Errorf("writing the template: %w", err)
	}
	return nil
}

func checkTemplateLang(lang string) error {
	if lang != "" && lang != LangEN && lang != LangJA {
		return fmt.Errorf("unknown language %q: use %s or %s", lang, LangEN, LangJA)
	}
	return nil
}

// templateRecords are the template's header in opts.Lang and, with opts.Example, its sample rows.
func templateRecords(opts TemplateOptions) [][]string {
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
	return records
}
