package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/internal/atomicfile"
)

type templateOptions struct {
	Streams  Streams
	Lang     string
	Example  bool
	Format   string
	Encoding string
	Output   string
}

func newTemplateCommand(streams Streams) *cobra.Command {
	opts := &templateOptions{Streams: streams}
	cmd := &cobra.Command{
		Use:   "template [--lang en|ja] [--example] [--format csv|xlsx] [--encoding utf8|sjis] [-o PATH]",
		Short: "Write the template that support sends to merchants, as CSV or as an Excel workbook",
		Long: `Write the template: the header row, and with --example a few sample rows.

The CSV template (the default) is UTF-8 with a BOM, so Excel opens it correctly, unless
--encoding sjis asks for Shift_JIS (CP932).

The workbook (--format xlsx, or an -o PATH ending in .xlsx) has every column formatted as text,
so that a phone number typed in it keeps its leading 0; the header row frozen, each header cell
showing its column's rule when selected, the industry column a drop-down of the allowed values,
and a second sheet that says what each column takes and what to send back.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkTemplateOptions(cmd, opts); err != nil {
				return err
			}
			return runTemplate(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Lang, "lang", "en", "header language: "+strings.Join(languages, ", "))
	cmd.Flags().BoolVar(&opts.Example, "example", false, "add sample rows")
	cmd.Flags().StringVar(&opts.Format, "format", "", "file format: "+strings.Join(importer.TemplateFormats, ", ")+" (default xlsx when -o ends in .xlsx, csv otherwise)")
	cmd.Flags().StringVar(&opts.Encoding, "encoding", "utf8", "CSV file encoding: "+strings.Join(importer.TemplateEncodings, ", "))
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write to PATH instead of stdout")
	return cmd
}

// checkTemplateOptions refuses, before anything is written, what would make a file no
// spreadsheet opens as it is named, or a workbook where it cannot be read.
func checkTemplateOptions(cmd *cobra.Command, opts *templateOptions) error {
	if !slices.Contains(languages, opts.Lang) {
		return usageError(cmd, "--lang must be one of %s, got %q", strings.Join(languages, ", "), opts.Lang)
	}
	if !slices.Contains(importer.TemplateEncodings, opts.Encoding) {
		return usageError(cmd, "--encoding must be one of %s, got %q", strings.Join(importer.TemplateEncodings, ", "), opts.Encoding)
	}
	ext := strings.ToLower(filepath.Ext(opts.Output))
	switch {
	case opts.Format == "" && ext == ".xlsx":
		opts.Format = "xlsx"
	case opts.Format == "":
		opts.Format = "csv"
	case !slices.Contains(importer.TemplateFormats, opts.Format):
		return usageError(cmd, "--format must be one of %s, got %q", strings.Join(importer.TemplateFormats, ", "), opts.Format)
	case opts.Format == "csv" && ext == ".xlsx":
		return usageError(cmd, "-o %s names a workbook, but --format csv writes a CSV file: name it .csv, or use --format xlsx", opts.Output)
	case opts.Format == "xlsx" && ext == ".csv":
		return usageError(cmd, "-o %s names a CSV file, but --format xlsx writes a workbook: name it .xlsx, or use --format csv", opts.Output)
	}
	if opts.Format != "xlsx" {
		return nil
	}
	if cmd.Flags().Changed("encoding") {
		return usageError(cmd, "--encoding is for the CSV template: a workbook has no text encoding to choose")
	}
	if opts.Output == "" && isTerminal(opts.Streams.Out) {
		return usageError(cmd, "a workbook is binary and would garble the terminal: write it to a file with -o PATH (such as -o 店舗一覧.xlsx), or redirect stdout")
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func runTemplate(opts *templateOptions) error {
	write := func(w io.Writer) error {
		return importer.WriteTemplateAs(w, opts.Format, importer.TemplateOptions{Lang: opts.Lang, Example: opts.Example, Encoding: opts.Encoding})
	}
	if opts.Output == "" {
		return write(opts.Streams.Out)
	}
	out, err := atomicfile.Create(opts.Output)
	if err != nil {
		return fmt.Errorf("writing the template: %w", err)
	}
	defer out.Abandon()
	if err := write(out); err != nil {
		return fmt.Errorf("writing the template %s: %w", opts.Output, err)
	}
	return out.Commit()
}
