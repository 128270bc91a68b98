package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/internal/atomicfile"
)

type templateOptions struct {
	Streams  Streams
	Lang     string
	Example  bool
	Encoding string
	Output   string
}

var templateEncodings = []string{"utf8", "sjis"}

func newTemplateCommand(streams Streams) *cobra.Command {
	opts := &templateOptions{Streams: streams}
	cmd := &cobra.Command{
		Use:   "template [--lang en|ja] [--example] [--encoding utf8|sjis] [-o PATH]",
		Short: "Write the CSV template that support sends to merchants",
		Long: `Write the CSV template: the header row, and with --example a few sample rows. It is UTF-8
with a BOM, so Excel opens it correctly, unless --encoding sjis asks for Shift_JIS (CP932).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(languages, opts.Lang) {
				return usageError(cmd, "--lang must be one of %s, got %q", strings.Join(languages, ", "), opts.Lang)
			}
			if !slices.Contains(templateEncodings, opts.Encoding) {
				return usageError(cmd, "--encoding must be one of %s, got %q", strings.Join(templateEncodings, ", "), opts.Encoding)
			}
			return runTemplate(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Lang, "lang", "en", "header language: "+strings.Join(languages, ", "))
	cmd.Flags().BoolVar(&opts.Example, "example", false, "add sample rows")
	cmd.Flags().StringVar(&opts.Encoding, "encoding", "utf8", "file encoding: "+strings.Join(templateEncodings, ", "))
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write to PATH instead of stdout")
	return cmd
}

func runTemplate(opts *templateOptions) error {
	templateOpts := importer.TemplateOptions{Lang: opts.Lang, Example: opts.Example, Encoding: opts.Encoding}
	if opts.Output == "" {
		return importer.WriteTemplate(opts.Streams.Out, templateOpts)
	}
	out, err := atomicfile.Create(opts.Output)
	if err != nil {
		return fmt.Errorf("writing the template: %w", err)
	}
	defer out.Abandon()
	if err := importer.WriteTemplate(out, templateOpts); err != nil {
		return fmt.Errorf("writing the template %s: %w", opts.Output, err)
	}
	return out.Commit()
}
