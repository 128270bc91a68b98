// Package cli is storeimport's command line: each command keeps its options in a struct and its
// logic in a function that takes them, writing only to the streams it is given, so tests drive a
// command as a user does.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

// Streams are where a command reads and writes: the report on Out, logs and progress on Err.
type Streams struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// Main runs the command line and returns the exit code.
func Main(args []string, streams Streams) int {
	stop, release := interrupts(streams.Err)
	defer release()
	root := newRootCommand(streams, stop)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	if err != nil {
		var outcome *runOutcome
		if (!errors.As(err, &outcome) || outcome.err != nil) && !errors.Is(err, errNeedsPerson) {
			fmt.Fprintf(streams.Err, "storeimport: %v\n", err)
		}
	}
	return exitCode(err)
}

func newRootCommand(streams Streams, stop <-chan struct{}) *cobra.Command {
	root := &cobra.Command{
		Use:   "storeimport",
		Short: "Register a merchant's stores in bulk from a CSV file, safely",
		Long: `storeimport registers a merchant's stores from a CSV file: for each row it creates the
shop on the organization platform, turns the reservation service on, and records the store in
the local database. Dry-run first (validate), then import; a rerun skips what is already imported.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.Err)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError(cmd, "%v", err)
	})
	root.AddCommand(
		newTemplateCommand(streams),
		newValidateCommand(streams, stop),
		newImportCommand(streams, stop),
		newReconcileCommand(streams, stop),
	)
	return root
}

// usageError is a refusal before any I/O, with a hint of the right usage.
func usageError(cmd *cobra.Command, format string, args ...any) error {
	return fmt.Errorf("%s\nusage: %s (see '%s --help')", fmt.Sprintf(format, args...), cmd.UseLine(), cmd.CommandPath())
}

// interrupts turns the first SIGINT or SIGTERM into a request to stop after the rows in flight;
// a second one exits at once.
func interrupts(stderr io.Writer) (<-chan struct{}, func()) {
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		select {
		case <-signals:
		case <-done:
			return
		}
		fmt.Fprintln(stderr, "storeimport: interrupted: finishing the row in flight; interrupt again to stop at once")
		close(stop)
		select {
		case <-signals:
			fmt.Fprintln(stderr, "storeimport: stopped at once")
			os.Exit(exitInterrupted)
		case <-done:
		}
	}()
	return stop, func() {
		signal.Stop(signals)
		close(done)
	}
}
