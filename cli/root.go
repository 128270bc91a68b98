// Package cli is storeimport's command line: each command keeps its options in a struct and its
// logic in a function that takes them, writing only to the streams it is given, so tests drive a
// command as a user does.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
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
	say := &notices{w: streams.Err}
	stop, atOnce, release := interrupts(say)
	defer release()
	root := newRootCommand(streams, stop, atOnce)
	root.PersistentPreRun = func(cmd *cobra.Command, _ []string) {
		if f := cmd.Flags().Lookup("log-format"); f != nil && f.Value.String() == "json" {
			say.json.Store(true)
		}
		say.interrupted.Store(interruptNotice(cmd.Name()))
	}
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	if err != nil {
		var outcome *runOutcome
		if (!errors.As(err, &outcome) || outcome.err != nil) && !errors.Is(err, errNeedsPerson) {
			say.say(slog.LevelError, err.Error())
		}
	}
	return exitCode(err)
}

// notices are the tool's own lines on stderr, outside any run's logs: an interrupt, the error that
// ended the command. Once the command's flags ask for JSON logs they are JSON log records too, so
// that every line of stderr is one.
type notices struct {
	w           io.Writer
	json        atomic.Bool
	interrupted atomic.Value // the first interrupt's notice, once the command is known
}

// interruptNotice says what the first interrupt does to the command named, which goes on with
// what it has in hand before stopping.
func interruptNotice(command string) string {
	const again = "; interrupt again to stop at once"
	switch command {
	case "serve":
		return "interrupted: finishing the checks in flight, then stopping" + again
	case "worker":
		return "interrupted: the imports running finish their rows in flight and their jobs go back to the queue" + again
	}
	return "interrupted: finishing the rows in flight" + again
}

func (n *notices) say(level slog.Level, msg string) {
	if n.json.Load() {
		slog.New(slog.NewJSONHandler(n.w, nil)).Log(context.Background(), level, msg)
		return
	}
	fmt.Fprintf(n.w, "storeimport: %s\n", msg)
}

func newRootCommand(streams Streams, stop <-chan struct{}, atOnce *exitHooks) *cobra.Command {
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
		newDBCommand(streams),
		newServeCommand(streams, stop, atOnce),
		newWorkerCommand(streams, stop),
		newJobsCommand(streams),
	)
	return root
}

// usageError is a refusal before any I/O, with a hint of the right usage.
func usageError(cmd *cobra.Command, format string, args ...any) error {
	return fmt.Errorf("%s\nusage: %s (see '%s --help')", fmt.Sprintf(format, args...), cmd.UseLine(), cmd.CommandPath())
}

// interrupts turns the first SIGINT or SIGTERM into a request to stop after the work in flight;
// a second one runs the exit hooks, then exits at once.
func interrupts(say *notices) (<-chan struct{}, *exitHooks, func()) {
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	stop := make(chan struct{})
	done := make(chan struct{})
	hooks := &exitHooks{}
	go func() {
		select {
		case <-signals:
		case <-done:
			return
		}
		notice, known := say.interrupted.Load().(string)
		if !known {
			notice = interruptNotice("")
		}
		say.say(slog.LevelWarn, notice)
		close(stop)
		select {
		case <-signals:
			say.say(slog.LevelWarn, "stopped at once")
			hooks.run()
			os.Exit(exitInterrupted)
		case <-done:
		}
	}()
	return stop, hooks, func() {
		signal.Stop(signals)
		close(done)
	}
}

// exitHooks are what a command must still do when a second interrupt stops it at once, such as
// removing the merchants' files the page holds; os.Exit runs no deferred call.
type exitHooks struct {
	mu    sync.Mutex
	hooks map[*func()]struct{}
}

// add registers hook until remove is called.
func (h *exitHooks) add(hook func()) (remove func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.hooks == nil {
		h.hooks = map[*func()]struct{}{}
	}
	key := &hook
	h.hooks[key] = struct{}{}
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.hooks, key)
	}
}

func (h *exitHooks) run() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for hook := range h.hooks {
		(*hook)()
	}
}
