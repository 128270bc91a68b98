package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/acme/storeimport/importer"
)

type dbStatusOptions struct {
	Streams Streams
	DB      dbSettings
	Format  string
}

var dbStatusFormats = []string{"table", "json"}

func newDBCommand(streams Streams) *cobra.Command {
	db := &cobra.Command{
		Use:   "db",
		Short: "Look at the database --db names",
	}
	db.AddCommand(newDBStatusCommand(streams))
	return db
}

func newDBStatusCommand(streams Streams) *cobra.Command {
	opts := &dbStatusOptions{Streams: streams}
	cmd := &cobra.Command{
		Use:   "status [--db PATH|URL] [--format table|json]",
		Short: "Say which database is in use, its migration, the locks held and by whom, and the unfinished attempts",
		Long: `status opens the database read-only (it never creates or migrates it) and prints which database
it is (a URL's password hidden), the last migration applied, each organization's lock and the run
holding it, and how many attempts each organization has left unfinished for its next import.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.DB.check(cmd); err != nil {
				return err
			}
			if !slices.Contains(dbStatusFormats, opts.Format) {
				return usageError(cmd, "--format must be one of %s, got %q", strings.Join(dbStatusFormats, ", "), opts.Format)
			}
			return runDBStatus(cmd.Context(), opts)
		},
	}
	opts.DB.addFlags(cmd)
	cmd.Flags().StringVar(&opts.Format, "format", "table", "output format: "+strings.Join(dbStatusFormats, ", "))
	return cmd
}

func runDBStatus(ctx context.Context, opts *dbStatusOptions) error {
	db, err := opts.DB.open(ctx, true)
	if err != nil {
		return err
	}
	defer db.Close()
	status, err := db.Status(ctx)
	if err != nil {
		return err
	}
	if opts.Format == "json" {
		return writeJSON(opts.Streams.Out, status)
	}
	return writeDBStatus(opts.Streams.Out, status)
}

// writeJSON writes v as indented JSON, for a --format json meant for programs and people alike.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func writeDBStatus(w io.Writer, s *importer.DatabaseStatus) error {
	var b strings.Builder
	fmt.Fprintf(&b, "database:   %s %s\n", s.Kind, s.Location)
	if s.Version == 0 {
		fmt.Fprintf(&b, "migration:  none: the first import makes the tables\n")
	} else {
		fmt.Fprintf(&b, "migration:  %d\n", s.Version)
	}
	if len(s.Locks) == 0 {
		fmt.Fprintf(&b, "locks:      none held\n")
	}
	for _, h := range s.Locks {
		fmt.Fprintf(&b, "lock:       %s held by %q, pid %d on host %s, since %s (refreshed %s)\n", h.OrganizationID, h.Command, h.PID, h.Host,
			h.Started.Local().Format(time.DateTime), h.Refreshed.Local().Format(time.DateTime))
	}
	if len(s.Unfinished) == 0 {
		fmt.Fprintf(&b, "unfinished: none\n")
	}
	for _, org := range slices.Sorted(maps.Keys(s.Unfinished)) {
		fmt.Fprintf(&b, "unfinished: %s: %d attempts the next import of it settles first\n", org, s.Unfinished[org])
	}
	_, err := io.WriteString(w, b.String())
	return err
}
