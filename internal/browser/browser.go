// Package browser drives Debian's Chromium, headless, for the tests that click through the support
// page as a person would. A test that needs it fails, never skips, where Chromium is missing: make
// test installs it first (scripts/need-chromium.sh). Every wait is bounded, and a tab only ever
// opens loopback URLs, so that no test reaches the network.
package browser

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Path is where Debian's chromium package puts the browser.
const Path = "/usr/bin/chromium"

// InstallCommand installs it.
const InstallCommand = "apt-get install -y chromium"

// Timeout bounds each step of a test: a start, an action, a wait for an element or a download. A
// support page on loopback answers in milliseconds, so reaching it means the step never will.
const Timeout = 20 * time.Second

// flags are Chromium's flags besides --user-data-dir: no window, no GPU, and no traffic of its
// own (updates, sync, QUIC probes), so that the only requests are the test's, to loopback.
// --no-sandbox because tests run as root in containers, where the sandbox cannot start.
var flags = []string{
	"headless", "no-sandbox", "disable-gpu", "disable-quic", "no-first-run",
	"disable-background-networking", "disable-component-update", "disable-sync",
}

// Tab is one page of a Chromium that runs for one test. Its methods fail the test when a step
// fails or takes longer than Timeout. It records the JavaScript dialogs, the console's errors and
// the requests beyond loopback of every page it shows.
type Tab struct {
	t   testing.TB
	ctx context.Context

	mu        sync.Mutex
	dialogs   []string
	problems  []string
	elsewhere []string
}

// Start starts Chromium for the test, stopped when the test ends, and returns its tab.
func Start(t testing.TB) *Tab {
	t.Helper()
	tab, err := start(t, Path)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

// start starts the Chromium at path, in a profile of its own in a temporary directory.
func start(t testing.TB, path string) (*Tab, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("the browser tests need Chromium at %s, which is missing (%w); install it with `%s` (make test does, where it can)",
			path, err, InstallCommand)
	}
	var output lockedBuffer
	options := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.UserDataDir(t.TempDir()), chromedp.CombinedOutput(&output),
	}
	for _, f := range flags {
		options = append(options, chromedp.Flag(f, true))
	}
	allocCtx, stopAlloc := chromedp.NewExecAllocator(context.Background(), options...)
	ctx, stopTab := chromedp.NewContext(allocCtx)
	// Cleanups run last first: Chromium stops before t.TempDir removes its profile.
	t.Cleanup(func() { stopTab(); stopAlloc() })

	tab := &Tab{t: t, ctx: ctx}
	// The first call starts the browser, and a timeout on its context would stop the browser
	// with it: the bound is kept apart.
	started := make(chan error, 1)
	go func() { started <- chromedp.Listen(ctx, tab.record) }()
	select {
	case err := <-started:
		if err != nil {
			return nil, fmt.Errorf("starting %s: %w; it said:\n%s", path, err, output.String())
		}
	case <-time.After(Timeout):
		stopTab()
		return nil, fmt.Errorf("%s did not start within %v; it said:\n%s", path, Timeout, output.String())
	}
	return tab, nil
}

// Do runs the actions in order, all of them within Timeout.
func (tab *Tab) Do(actions ...chromedp.Action[chromedp.Void]) {
	tab.t.Helper()
	Run(tab, chromedp.Steps(actions...))
}

// Run runs one action that gives a value, bounded by Timeout.
func Run[T any](tab *Tab, action chromedp.Action[T]) T {
	tab.t.Helper()
	v, err := run(tab, action)
	if err != nil {
		tab.t.Fatal(err)
	}
	return v
}

func run[T any](tab *Tab, action chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(tab.ctx, Timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	return v, bounded(err, Timeout)
}

// bounded says which bound a step that ran out of time broke.
func bounded(err error, limit time.Duration) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("a browser step took longer than %v: %w", limit, err)
	}
	return err
}

// lockedBuffer keeps what Chromium prints, for the error that says why it did not start; Chromium
// writes it from another goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
