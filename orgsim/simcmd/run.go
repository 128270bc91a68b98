package simcmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/acme/storeimport/orgsim"
)

// shutdownGrace bounds how long requests in flight may take once the simulator is told to stop.
const shutdownGrace = 5 * time.Second

// Main runs the command with args (without the program name) until ctx is done, and returns
// its exit status: 0, 1 when it could not run, 2 for bad flags.
func Main(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) int {
	o, err := parseFlags(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "orgplatform-sim:", err)
		return 2
	}
	if err := run(ctx, o, stderr); err != nil {
		fmt.Fprintln(stderr, "orgplatform-sim:", err)
		return 1
	}
	return 0
}

func run(ctx context.Context, o *options, stderr io.Writer) error {
	cfg, err := o.config()
	if err != nil {
		return err
	}
	if o.requestLog != "" {
		f, err := os.Create(o.requestLog)
		if err != nil {
			return fmt.Errorf("request log: %w", err)
		}
		defer f.Close()
		// Unbuffered: every line is in the file as soon as it is logged, even if the
		// simulator itself is killed.
		cfg.RequestLog = f
	}
	if o.killAfter.op != "" {
		cfg.AfterCommit = killer(o.killAfter, o.killPIDFile, stderr)
	}
	sim := orgsim.New(cfg)

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	url := "http://" + ln.Addr().String() + "/graphql"
	srv := &http.Server{Handler: sim.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	if o.addrFile != "" {
		if err := writeFileAtomically(o.addrFile, url+"\n"); err != nil {
			_ = srv.Close()
			return fmt.Errorf("addr file: %w", err)
		}
	}
	fmt.Fprintf(stderr, "orgplatform-sim: serving %s (organizations: %d, tokens: %d)\n",
		url, len(cfg.Organizations), len(cfg.Tokens))

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	fmt.Fprintln(stderr, "orgplatform-sim: stopped")
	return nil
}

// writeFileAtomically writes through a temporary file and a rename, so that a script polling
// for the file never reads half of it.
func writeFileAtomically(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".addr-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// killer is the AfterCommit hook of --kill-after: it SIGKILLs the process whose pid is in
// pidFile right after the chosen commit, before the response is written, so that the killed
// client never learns that its mutation took effect. The response is still written.
func killer(k killSpec, pidFile string, stderr io.Writer) func(op string, n int) {
	return func(op string, n int) {
		if op != k.op || n != k.n {
			return
		}
		if err := killPIDFrom(pidFile); err != nil {
			fmt.Fprintf(stderr, "orgplatform-sim: --kill-after %s:%d: %v\n", k.op, k.n, err)
			return
		}
		fmt.Fprintf(stderr, "orgplatform-sim: killed the process in %s after %s #%d\n", pidFile, op, n)
	}
}

func killPIDFrom(pidFile string) error {
	data, err := os.ReadFile(pidFile)
	if err != nil {
		return fmt.Errorf("read pid: %w", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return fmt.Errorf("%s does not hold a pid", pidFile)
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return fmt.Errorf("find process %d: %w", pid, err)
	}
	if err := p.Kill(); err != nil {
		return fmt.Errorf("kill %d: %w", pid, err)
	}
	return nil
}
