package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// Every command that opens the database refuses a --db-schema it cannot use in its own flag check,
// before any I/O, even when it has a PreRunE of its own: nothing answers on port 9, and with the
// check gone each would fail another way (connecting, or a flag checked after it).
func TestEveryCommandChecksTheSchemaNameItself(t *testing.T) {
	for _, args := range [][]string{
		{"import"}, {"validate"}, {"reconcile"}, {"db", "status"}, {"serve", "--addr", "nowhere"}, {"worker"},
		{"jobs"}, {"jobs", "show", "1"}, {"jobs", "cancel", "1"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var stderr bytes.Buffer
			root := newRootCommand(Streams{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &stderr}, make(chan struct{}), &exitHooks{})
			cmd, _, err := root.Find(args)
			if err != nil {
				t.Fatal(err)
			}
			cmd.PreRunE = func(*cobra.Command, []string) error { return nil }
			root.SetArgs(append(args, "--db", "postgres://127.0.0.1:9/none", "--db-schema", "bad-name"))
			err = root.ExecuteContext(context.Background())
			if err == nil || !strings.Contains(err.Error(), `--db-schema (or STOREIMPORT_DB_SCHEMA): schema name "bad-name" cannot be used`) {
				t.Errorf("%s with --db-schema bad-name and a PreRunE of its own: %v, want the schema name refused", strings.Join(args, " "), err)
			}
		})
	}
}
