package importer

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
)

// TemplateOptions choose the template support sends to a merchant.
type TemplateOptions struct {
	Lang     string // LangEN (also when empty) for English headers, LangJA for Japanese ones
	Example  bool   // add sample rows that show what each column takes
	Encoding string // EncodingUTF8 (also when empty, written with a BOM) or EncodingSJIS; CSV only
}

// The template's languages, file formats and a CSV template's encodings, as the command line and
// the support page offer them.
var (
	TemplateLangs     = []string{LangEN, LangJA}
	TemplateFormats   = []string{"csv", "xlsx"}
	TemplateEncodings = []string{EncodingUTF8, EncodingSJIS}
)

// TemplateChoiceError is a template asked for in a language, encoding or format there is none of.
type TemplateChoiceError struct {
	Choice  string // "lang", "encoding" or "format": the command line's flag, the page's field
	Got     string
	Allowed []string
}

func (e *TemplateChoiceError) Error() string {
	return fmt.Sprintf("%s must be one of %s, got %q", e.Choice, strings.Join(e.Allowed, ", "), e.Got)
}

func checkTemplateChoice(choice, got string, allowed []string) error {
	if !slices.Contains(allowed, got) {
		return &TemplateChoiceError{Choice: choice, Got: got, Allowed: allowed}
	}
	return nil
}

// CheckTemplate refuses, before anything is written, a template there is none of: every choice
// must be made, as the command line and the page make them (a workbook's encoding is checked too,
// then not used).
func CheckTemplate(format string, opts TemplateOptions) error {
	return cmp.Or(
		checkTemplateChoice("lang", opts.Lang, TemplateLangs),
		checkTemplateChoice("encoding", opts.Encoding, TemplateEncodings),
		checkTemplateChoice("format", format, TemplateFormats),
	)
}

// WriteTemplateAs writes the template in format, "csv" (WriteTemplate) or "xlsx"
// (WriteTemplateXLSX, which has no encoding: opts.Encoding is not used), once CheckTemplate
// takes the choices.
func WriteTemplateAs(w io.Writer, format string, opts TemplateOptions) error {
	if err := CheckTemplate(format, opts); err != nil {
		return err
	}
	if format == "xlsx" {
		opts.Encoding = ""
		return WriteTemplateXLSX(w, opts)
	}
	return WriteTemplate(w, opts)
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

// checkTemplateLang takes a language of the template, or "" for English.
func checkTemplateLang(lang string) error {
	if lang == "" {
		return nil
	}
	return checkTemplateChoice("lang", lang, TemplateLangs)
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
