package cli

import (
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/acme/storeimport/importer"
)

// workbookSettings are what only a workbook takes.
type workbookSettings struct {
	Sheet string
}

func (w *workbookSettings) addFlags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&w.Sheet, "sheet", "", "a workbook's sheet to read (default: its only sheet, or the only one that starts with a header of stores)")
}

// checkFileKind refuses what does not fit the kind of file given, known by its content as the
// reader knows it: a sheet of a CSV file, or a text encoding of a workbook. A workbook's text is
// Unicode in XML, so an encoding asked for would be ignored; asking for one says the user takes
// the file for a CSV, most likely the wrong file, which is better said before anything is read.
// --encoding auto, the default, asks for nothing and is taken with either. The errors file is of
// the input's kind, so its name must say so, for the merchant's spreadsheet to open it.
// The kind is told from the content at sniff, which is FILE or the copy of it --enqueue read.
func (o *importOptions) checkFileKind(cmd *cobra.Command, sniff string) error {
	file, workbook := o.Input.File, importer.IsWorkbook(sniff)
	switch {
	case !workbook && o.Workbook.Sheet != "":
		return usageError(cmd, "--sheet is for a workbook: %s is not one (a CSV file has no sheets)", file)
	case workbook && o.Input.Encoding != importer.EncodingAuto:
		return usageError(cmd, "--encoding %s is for a CSV file: %s is a workbook, whose text needs no encoding; leave --encoding out", o.Input.Encoding, file)
	}
	return o.checkErrorsFileKind(cmd, workbook)
}

// checkErrorsFileKind refuses an --errors-csv name of the other kind than the input: a workbook's
// errors file must end in .xlsx, a CSV file's must not.
func (o *importOptions) checkErrorsFileKind(cmd *cobra.Command, workbook bool) error {
	path := o.Input.ErrorsCSV
	if path == "" {
		return nil
	}
	ext := filepath.Ext(path)
	named := strings.EqualFold(ext, ".xlsx")
	switch {
	case workbook && !named:
		return usageError(cmd, "--errors-csv %s names a CSV file, but %s is a workbook, whose errors file is a workbook too: name it .xlsx, such as %s",
			path, o.Input.File, strings.TrimSuffix(path, ext)+".xlsx")
	case !workbook && named:
		return usageError(cmd, "--errors-csv %s names a workbook, but %s is a CSV file, whose errors file is a CSV file too: name it .csv, such as %s",
			path, o.Input.File, strings.TrimSuffix(path, ext)+".csv")
	}
	return nil
}
