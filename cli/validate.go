package cli

import "github.com/spf13/cobra"

// newValidateCommand is the dry run: the import's checks with no mutation and no database write.
// Without --endpoint it reads only the file.
func newValidateCommand(streams Streams, stop <-chan struct{}) *cobra.Command {
	opts := &importOptions{Streams: streams, Stop: stop, DryRun: true}
	cmd := &cobra.Command{
		Use:   "validate --org ID [--endpoint URL] [flags] FILE",
		Short: "Dry run: report what import would do with FILE, sending no mutation and writing nothing",
		Example: `  storeimport validate --org org_1 stores.csv
  storeimport validate --org org_1 --sheet 店舗一覧 stores.xlsx
  storeimport validate --org org_1 --endpoint https://platform.example.com/graphql --token-file token.txt stores.csv`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.check(cmd, args); err != nil {
				return err
			}
			return runImport(cmd.Context(), opts)
		},
	}
	opts.DB.addFlags(cmd)
	opts.Platform.addFlags(cmd)
	opts.Input.addFlags(cmd)
	opts.Workbook.addFlags(cmd)
	return cmd
}
