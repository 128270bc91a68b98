package cli

import (
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
// --encoding auto, the default, asks for nothing and is taken with either.
func (o *importOptions) checkFileKind(cmd *cobra.Command) error {
	file := o.Input.File
	if !importer.IsWorkbook(file) {
		if o.Workbook.Sheet != "" {
			return usageError(cmd, "--sheet is for a workbook: %s is not one (a CSV file has no sheets)", file)
		}
		return nil
	}
	if o.Input.Encoding != importer.EncodingAuto {
		return usageError(cmd, "--encoding %s is for a CSV file: %s is a workbook, whose text needs no encoding; leave --encoding out", o.Input.Encoding, file)
	}
	return nil
}
