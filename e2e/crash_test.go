package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/acme/storeimport/internal/e2etest"
	"github.com/acme/storeimport/orgsim"
	"github.com/acme/storeimport/storedb/storetest"
)

// rig is an in-process simulator with a crash hook, a database and a file, and the built
// storeimport run against them as a separate process that the hook can SIGKILL.
type rig struct {
	t        *testing.T
	sim      *orgsim.Server
	endpoint string
	dir      string
	store    storetest.Target // the database the runs share
	db       string           // what --db names it by
	csv      string
	names    map[string]string // public_id -> shop name, for every row of the file

	mu      sync.Mutex
	child   *os.Process
	killOp  string
	killAt  int
	killed  int
	reports []e2etest.JSONReport
	// atCommit, when set, runs after each committed mutation while the simulator holds its
	// answer, so a test can act while that request is still in flight.
	atCommit func(op string, n int)
}

func newRig(t *testing.T, rows int, faults orgsim.Faults, seed int64) *rig {
	t.Helper()
	r := &rig{t: t, dir: t.TempDir(), names: map[string]string{}}
	r.sim = orgsim.New(orgsim.Config{
		Organizations: []orgsim.Org{{ID: org, Name: "E2E", ShopLimit: 10000}},
		Tokens:        []orgsim.Token{{Value: token, Orgs: []string{org}}, {Value: token2, Orgs: []string{org}}},
		Faults:        faults,
		Seed:          seed,
		AfterCommit:   r.afterCommit,
	})
	srv := httptest.NewServer(r.sim.Handler())
	t.Cleanup(srv.Close)
	r.endpoint = srv.URL + "/graphql"
	r.store = storetest.FromEnv(t)
	r.db = r.store.Location
	r.csv = filepath.Join(r.dir, "stores.csv")
	var csv strings.Builder
	csv.WriteString("public_id,name,location,industry,phone\n")
	for i := range rows {
		id, name := fmt.Sprintf("store-%03d", i), fmt.Sprintf("店舗%03d", i)
		r.names[id] = name
		fmt.Fprintf(&csv, "%s,%s,東京都千代田区%d-1,restaurant,03-1234-%04d\n", id, name, i, i)
	}
	if err := os.WriteFile(r.csv, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return r
}

const token2 = "e2e-second-token-93aa"

// killAfter arms the crash hook: after the platform commits the nth op (counted since the
// simulator started), the running storeimport is SIGKILLed before it gets the answer.
func (r *rig) killAfter(op string, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.killOp, r.killAt = op, n
}

func (r *rig) afterCommit(op string, n int) {
	r.mu.Lock()
	if op == r.killOp && n == r.killAt && r.child != nil {
		r.child.Signal(syscall.SIGKILL)
		r.killed++
		r.killOp = ""
	}
	hook := r.atCommit
	r.mu.Unlock()
	if hook != nil {
		hook(op, n)
	}
}

// importOnce runs storeimport import once; it reports whether the process was killed.
func (r *rig) importOnce(extra ...string) (e2etest.Run, bool) {
	r.t.Helper()
	args := append([]string{"import", "--org", org, "--endpoint", r.endpoint, "--rate", "1000", "--burst", "50",
		"--db", r.db, "--format", "json"}, extra...)
	cmd := exec.Command(e2etest.Bin("storeimport"), append(args, r.csv)...)
	cmd.Env = append(os.Environ(), "ORG_PLATFORM_TOKEN="+token)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	r.mu.Lock()
	err := cmd.Start()
	r.child = cmd.Process
	r.mu.Unlock()
	if err != nil {
		r.t.Fatal(err)
	}
	err = cmd.Wait()
	r.mu.Lock()
	r.child = nil
	r.mu.Unlock()
	res := e2etest.Run{Stdout: stdout.String(), Stderr: stderr.String()}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		if status, ok := exitErr.Sys().(syscall.WaitStatus); ok && status.Signaled() {
			return res, true
		}
		res.Code = exitErr.ExitCode()
	} else if err != nil {
		r.t.Fatal(err)
	}
	r.reports = append(r.reports, e2etest.ParseReport(r.t, res))
	return res, false
}

// untilSettled reruns the import, as an engineer would after a crash, until a run ends with no
// row needing attention; at most maxRuns runs.
func (r *rig) untilSettled(maxRuns int, extra ...string) e2etest.JSONReport {
	r.t.Helper()
	for i := range maxRuns {
		res, killed := r.importOnce(extra...)
		if killed {
			continue
		}
		if res.Code != 0 && res.Code != 1 {
			if res.Code == 3 && i < maxRuns-1 {
				continue
			}
			r.t.Fatalf("run %d exited %d\nstdout:\n%s\nstderr:\n%s", i+1, res.Code, res.Stdout, res.Stderr)
		}
		return r.reports[len(r.reports)-1]
	}
	r.t.Fatalf("not settled after %d runs", maxRuns)
	return e2etest.JSONReport{}
}

// invariants checks what must hold whatever happened (see exactlyOnce) and that every mutation
// carried an Idempotency-Key. It returns the duplicate and orphan counts.
func (r *rig) invariants(expectCreated map[string]bool) (duplicates, orphans int) {
	r.t.Helper()
	duplicates, orphans = e2etest.ExactlyOnce(r.t, r.sim, org, r.names, e2etest.LocalStores(r.t, r.store.SQL), expectCreated)
	for _, e := range r.sim.Log() {
		if e.OperationType == "mutation" && e.IdempotencyKey == "" {
			r.t.Errorf("a %s was sent without an Idempotency-Key", e.Operation)
		}
	}
	return duplicates, orphans
}

func TestCrashAfterCreateShop(t *testing.T) {
	r := newRig(t, 12, orgsim.Faults{}, 1)
	r.killAfter(orgsim.OpCreateShop, 5)
	rep := r.untilSettled(4)
	if r.killed != 1 {
		t.Fatalf("the hook killed %d times, want 1", r.killed)
	}
	dup, orph := r.invariants(e2etest.All(r.names))
	t.Logf("crash after createShop #5: %d runs, summary %v, duplicates %d, orphans %d", len(r.reports)+r.killed, rep.Summary, dup, orph)
}

func TestCrashAfterAssign(t *testing.T) {
	r := newRig(t, 12, orgsim.Faults{}, 2)
	r.killAfter(orgsim.OpAssignServiceToOrganization, 7)
	rep := r.untilSettled(4)
	if r.killed != 1 {
		t.Fatalf("the hook killed %d times, want 1", r.killed)
	}
	dup, orph := r.invariants(e2etest.All(r.names))
	t.Logf("crash after assign #7: summary %v, duplicates %d, orphans %d", rep.Summary, dup, orph)
}

func TestCrashDuringCompensation(t *testing.T) {
	// Reservations fail for two of the stores, so each of their shops is deleted again; the run
	// is killed right after the platform committed the first deletion.
	faults := orgsim.Faults{Rules: []orgsim.Rule{{Op: orgsim.OpAssignServiceToOrganization, Pattern: "^店舗00[36]$", Action: orgsim.CodeInternal}}}
	r := newRig(t, 10, faults, 3)
	r.killAfter(orgsim.OpDeleteShop, 1)
	rep := r.untilSettled(4)
	if r.killed != 1 {
		t.Fatalf("the hook killed %d times, want 1", r.killed)
	}
	want := e2etest.All(r.names)
	delete(want, "store-003")
	delete(want, "store-006")
	dup, orph := r.invariants(want)
	if rep.Summary["failed"] != 2 {
		t.Errorf("summary %v, want the two refused stores failed", rep.Summary)
	}
	t.Logf("crash during compensation: summary %v, duplicates %d, orphans %d", rep.Summary, dup, orph)
}

func TestCrashAtRandomMoments(t *testing.T) {
	rng := rand.New(rand.NewPCG(20261125, 4))
	ops := []string{orgsim.OpCreateShop, orgsim.OpAssignServiceToOrganization, orgsim.OpDeleteShop}
	// Two of the stores are refused reservations, so deleteShop happens too.
	faults := orgsim.Faults{Rules: []orgsim.Rule{{Op: orgsim.OpAssignServiceToOrganization, Pattern: "^店舗00[27]$", Action: orgsim.CodeInternal}}}
	totalDup, totalOrph := 0, 0
	rounds := soakRounds(6)
	for round := range rounds {
		r := newRig(t, 10, faults, int64(round))
		var slow []string
		if round%2 == 0 {
			// The hook counts successful commits: 10 creates, 8 assigns (two are refused) and
			// 2 deletions happen in the first run.
			op := ops[rng.IntN(len(ops))]
			n := 1 + rng.IntN(map[string]int{orgsim.OpCreateShop: 10, orgsim.OpAssignServiceToOrganization: 8, orgsim.OpDeleteShop: 2}[op])
			r.killAfter(op, n)
		} else {
			// A kill at a moment no hook chooses: mid-request, mid-SQLite-write, anywhere. At
			// 40 requests per second the first run takes about 700 ms.
			slow = []string{"--rate", "40", "--burst", "1"}
			delay := time.Duration(30+rng.IntN(400)) * time.Millisecond
			timer := time.AfterFunc(delay, func() {
				r.mu.Lock()
				defer r.mu.Unlock()
				if r.child != nil {
					r.child.Signal(syscall.SIGKILL)
					r.killed++
				}
			})
			t.Cleanup(func() { timer.Stop() })
		}
		if round%3 == 2 {
			slow = append(slow, "--concurrency", "4")
		}
		r.untilSettled(4, slow...)
		if r.killed != 1 {
			t.Errorf("round %d: %d kills, want 1", round, r.killed)
		}
		want := e2etest.All(r.names)
		delete(want, "store-002")
		delete(want, "store-007")
		dup, orph := r.invariants(want)
		totalDup, totalOrph = totalDup+dup, totalOrph+orph
	}
	t.Logf("random crashes, %d rounds: duplicates %d, orphans %d", rounds, totalDup, totalOrph)
}

// soakRounds is how many random crashes to try: a few in make test, as many as
// STOREIMPORT_SOAK_ROUNDS says in make soak.
func soakRounds(def int) int {
	if n, err := strconv.Atoi(os.Getenv("STOREIMPORT_SOAK_ROUNDS")); err == nil && n > 0 {
		return n
	}
	return def
}

func TestFlakyPlatformConverges(t *testing.T) {
	flaky := orgsim.OpFaults{Fail503: 0.2, Fail504: 0.1}
	r := newRig(t, 40, orgsim.Faults{Ops: map[string]orgsim.OpFaults{
		orgsim.OpCreateShop: flaky, orgsim.OpAssignServiceToOrganization: flaky, orgsim.OpDeleteShop: flaky,
	}}, 5)
	rep := r.untilSettled(5)
	dup, orph := r.invariants(e2etest.All(r.names))
	injected, replayed := 0, 0
	for _, e := range r.sim.Log() {
		if e.Outcome == orgsim.Outcome503Injected || e.Outcome == orgsim.Outcome504AfterCommit {
			injected++
		}
		if e.Replayed {
			replayed++
		}
	}
	if injected == 0 {
		t.Fatal("no fault was injected; the test proves nothing")
	}
	t.Logf("flaky platform (20%% 503, 10%% commit-then-504 on every mutation): %d rows, %d faults injected, %d replays, %d runs, summary %v: duplicates %d, orphans %d",
		len(r.names), injected, replayed, len(r.reports), rep.Summary, dup, orph)
}

// TestCrashWithFourWorkers: with four rows at the platform at once, a kill can leave up to four
// attempts in different steps; the next run settles them all.
func TestCrashWithFourWorkers(t *testing.T) {
	four := []string{"--concurrency", "4"}
	for _, kill := range []struct {
		op string
		n  int
	}{{orgsim.OpCreateShop, 6}, {orgsim.OpAssignServiceToOrganization, 5}} {
		r := newRig(t, 16, orgsim.Faults{Latency: 20 * time.Millisecond}, 11)
		r.killAfter(kill.op, kill.n)
		rep := r.untilSettled(4, four...)
		if r.killed != 1 {
			t.Fatalf("the hook killed %d times, want 1", r.killed)
		}
		dup, orph := r.invariants(e2etest.All(r.names))
		t.Logf("4 workers, crash after %s #%d: summary %v, duplicates %d, orphans %d", kill.op, kill.n, rep.Summary, dup, orph)
	}
}
