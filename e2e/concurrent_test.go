package e2e

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/acme/storeimport/bench"
	"github.com/acme/storeimport/internal/e2etest"
	"github.com/acme/storeimport/orgsim"
)

// startImport starts a slow import (10 requests per second) and waits until the platform has
// seen its first createShop, so the run holds the organization's lock and is mid-way.
func (r *rig) startImport(t *testing.T, extra ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	args := append([]string{"import", "--org", org, "--endpoint", r.endpoint,
		"--rate", "10", "--burst", "1", "--db", r.db, "--format", "json"}, extra...)
	cmd := exec.Command(e2etest.Bin("storeimport"), append(args, r.csv)...)
	cmd.Env = append(os.Environ(), "ORG_PLATFORM_TOKEN="+token)
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for range 200 {
		for _, e := range r.sim.Log() {
			if e.Operation == orgsim.OpCreateShop {
				return cmd, &stdout
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the first import sent no createShop within 4 s")
	return nil, nil
}

func TestSecondRunIsRefusedWhileTheFirstHoldsTheLock(t *testing.T) {
	r := newRig(t, 15, orgsim.Faults{}, 7)
	first, stdout := r.startImport(t)

	for _, args := range [][]string{
		{"import", "--org", org, "--endpoint", r.endpoint, "--db", r.db, r.csv},
		{"reconcile", "--org", org, "--endpoint", r.endpoint, "--db", r.db, "--fix"},
	} {
		cmd := exec.Command(e2etest.Bin("storeimport"), args...)
		cmd.Env = append(os.Environ(), "ORG_PLATFORM_TOKEN="+token2)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		if exitErr, ok := err.(*exec.ExitError); !ok || exitErr.ExitCode() != 2 {
			t.Fatalf("%s while another import runs: %v, want exit 2\n%s", args[0], err, stderr.String())
		}
		msg := stderr.String()
		if !strings.Contains(msg, "locked by another run") || !strings.Contains(msg, "pid") || !strings.Contains(msg, "host") {
			t.Errorf("%s: the refusal must name the holder: %s", args[0], msg)
		}
	}
	// The second token is the refused runs': the platform must have seen nothing from them.
	for _, e := range r.sim.Log() {
		if e.Token == "token#2" {
			t.Errorf("a refused run sent %s", e.Operation)
		}
	}
	if err := first.Wait(); err != nil {
		t.Fatalf("the first import: %v", err)
	}
	if rep := e2etest.ParseReport(t, e2etest.Run{Stdout: stdout.String()}); rep.Summary["created"] != 15 {
		t.Errorf("the first import: %v", rep.Summary)
	}
}

func TestInterruptFinishesTheRowInFlightAndReports(t *testing.T) {
	for _, workers := range []string{"1", "4"} {
		t.Run("concurrency "+workers, func(t *testing.T) { interruptFinishesTheRowsInFlight(t, workers) })
	}
}

// interruptFinishesTheRowsInFlight: every worker's row in flight ends created, none half-made.
func interruptFinishesTheRowsInFlight(t *testing.T, workers string) {
	r := newRig(t, 15, orgsim.Faults{}, 8)
	cmd, stdout := r.startImport(t, "--concurrency", workers)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if exitErr, ok := err.(*exec.ExitError); !ok || exitErr.ExitCode() != 1 {
		t.Fatalf("interrupted import: %v, want exit 1", err)
	}
	rep := e2etest.ParseReport(t, e2etest.Run{Stdout: stdout.String()})
	created := map[string]bool{}
	for _, row := range rep.Rows {
		if row.Status == "created" {
			created[row.PublicID] = true
		}
	}
	if rep.Summary["not_attempted"] == 0 || len(created) == 0 || len(rep.Rows) != 15 || len(created)+rep.Summary["not_attempted"] != 15 {
		t.Errorf("summary %v over %d rows, want some created and the rest not_attempted", rep.Summary, len(rep.Rows))
	}
	r.invariants(created)

	// A rerun picks up where it stopped.
	rest := r.untilSettled(2)
	if rest.Summary["created"]+rest.Summary["skipped"] != 15 || rest.Summary["skipped"] != len(created) {
		t.Errorf("rerun summary %v, want the %d created ones skipped and the rest created", rest.Summary, len(created))
	}
	r.invariants(e2etest.All(r.names))
}

func TestSecondInterruptStopsAtOnce(t *testing.T) {
	r := newRig(t, 15, orgsim.Faults{}, 10)
	cmd := exec.Command(e2etest.Bin("storeimport"), "import", "--org", org, "--endpoint", r.endpoint,
		"--db", r.db, "--format", "json", r.csv)
	cmd.Env = append(os.Environ(), "ORG_PLATFORM_TOKEN="+token)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	noticed := make(chan struct{})
	go func() {
		lines := bufio.NewScanner(stderr)
		for lines.Scan() && !strings.Contains(lines.Text(), "interrupt again") {
		}
		close(noticed)
		io.Copy(io.Discard, stderr)
	}()
	// Both interrupts land while the first createShop is at the platform: the simulator holds its
	// answer until the second is sent, so the run cannot end on its own in between.
	var once sync.Once
	started := make(chan *os.Process, 1)
	r.mu.Lock()
	r.atCommit = func(op string, _ int) {
		if op != "createShop" {
			return
		}
		once.Do(func() {
			process := <-started
			process.Signal(syscall.SIGINT)
			select {
			case <-noticed:
			case <-time.After(10 * time.Second):
				t.Error("no notice of the first interrupt within 10 s")
			}
			process.Signal(syscall.SIGINT)
		})
	}
	r.mu.Unlock()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started <- cmd.Process
	t.Cleanup(func() { cmd.Process.Kill() })
	err = cmd.Wait()
	if exitErr, ok := err.(*exec.ExitError); !ok || exitErr.ExitCode() != 130 {
		t.Fatalf("twice interrupted import: %v, want exit 130", err)
	}
	// Whatever the second interrupt cut, the journal lets the next run settle it.
	r.untilSettled(2, "--concurrency", "8")
	r.invariants(e2etest.All(r.names))
}

func TestInterruptedValidateReportsTheRestNotAttempted(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "big.csv")
	if _, err := bench.WriteStores(path, 600000); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(e2etest.Bin("storeimport"), "validate", "--org", org, "--format", "csv", path)
	cmd.Dir = dir
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	if exitErr, ok := err.(*exec.ExitError); !ok || exitErr.ExitCode() != 1 {
		t.Fatalf("interrupted validate: %v, want exit 1", err)
	}
	if !strings.Contains(stdout.String(), ",not_attempted,") {
		t.Error("an interrupted validate must report the rows it did not check as not_attempted")
	}
}
