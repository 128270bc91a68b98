package e2e

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/acme/storeimport/internal/e2etest"
	"github.com/acme/storeimport/orgsim"
	"github.com/acme/storeimport/storedb/storetest"
)

// Several operators, on several hosts, share the service's PostgreSQL database. These tests run
// storeimport as processes on hosts of their own (a UTS namespace each, so each reports its own
// host name) against one PostgreSQL database and one platform.

const orgB = e2etest.OrgB

// shared is one platform with two organizations, and one PostgreSQL database.
type shared struct {
	t        *testing.T
	sim      *orgsim.Server
	endpoint string
	store    storetest.Target
	dir      string
}

func newShared(t *testing.T) *shared {
	t.Helper()
	sim := orgsim.New(orgsim.Config{
		Organizations: []orgsim.Org{{ID: org, Name: "E2E", ShopLimit: 1000}, {ID: orgB, Name: "E2E B", ShopLimit: 1000}},
		Tokens:        []orgsim.Token{{Value: token, Orgs: []string{org, orgB}}},
	})
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	return &shared{t: t, sim: sim, endpoint: srv.URL + "/graphql", store: storetest.Postgres(t), dir: t.TempDir()}
}

// file writes a CSV of rows stores for orgID and returns its path and the names of its shops.
func (s *shared) file(orgID string, rows int) (string, map[string]string) {
	s.t.Helper()
	return e2etest.StoresFile(s.t, s.dir, orgID, rows, 0)
}

// onHost is an import of file for orgID, at rate requests a second, run as if on host: in a
// UTS namespace of its own (unshare needs root, as CI has).
func (s *shared) onHost(host, orgID, file, rate string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	args := []string{"--uts", "sh", "-c", `hostname "$0" && exec "$@"`, host, e2etest.Bin("storeimport"),
		"import", "--org", orgID, "--endpoint", s.endpoint, "--rate", rate, "--burst", "1", "--db", s.store.Location,
		"--format", "json", file}
	cmd := exec.Command("unshare", args...)
	cmd.Env = append(os.Environ(), "ORG_PLATFORM_TOKEN="+token)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return cmd, &stdout, &stderr
}

// run runs cmd to its end and returns its exit code.
func (s *shared) run(cmd *exec.Cmd, stderr *bytes.Buffer) int {
	s.t.Helper()
	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		return exitErr.ExitCode()
	case err != nil:
		s.t.Fatalf("%v (unshare --uts needs root, which make test has in CI)\n%s", err, stderr)
	}
	return 0
}

// A second host's import of the same organization is refused at once, naming the first; once
// the first is killed, its lock goes with its connection and the second takes over at once.
func TestSecondHostIsRefusedThenTakesOverAKilledImport(t *testing.T) {
	s := newShared(t)
	file, names := s.file(org, 20)
	first, _, firstErr := s.onHost("host-a", org, file, "10")
	if err := first.Start(); err != nil {
		t.Fatalf("%v (unshare --uts needs root)", err)
	}
	t.Cleanup(func() { first.Process.Kill(); first.Wait() })
	e2etest.AwaitCreate(t, s.sim)

	refused, _, refusal := s.onHost("host-b", org, file, "1000")
	if code := s.run(refused, refusal); code != 2 || !strings.Contains(refusal.String(), "host host-a") {
		t.Fatalf("second host while the first imports: exit %d, want 2 naming host-a\n%s", code, refusal)
	}

	first.Process.Signal(syscall.SIGKILL)
	first.Wait()
	takeover, out, takeoverErr := s.onHost("host-b", org, file, "1000")
	if code := s.run(takeover, takeoverErr); code != 0 {
		t.Fatalf("second host after the first was killed: exit %d, want 0 at its first try\n%s\nfirst's stderr:\n%s",
			code, takeoverErr, firstErr)
	}
	if rep := e2etest.ParseReport(t, e2etest.Run{Stdout: out.String()}); rep.Summary["created"]+rep.Summary["skipped"] != 20 {
		t.Errorf("the takeover's report: %v, want all 20 created or skipped", rep.Summary)
	}
	duplicates, orphans := e2etest.ExactlyOnce(t, s.sim, org, names, e2etest.LocalStores(t, s.store.SQL), e2etest.All(names))
	t.Logf("after the takeover: %d duplicates, %d orphans", duplicates, orphans)
}

// Imports of two organizations on two hosts at once do not wait for each other.
func TestTwoOrganizationsImportSideBySide(t *testing.T) {
	s := newShared(t)
	fileA, namesA := s.file(org, 15)
	fileB, namesB := s.file(orgB, 15)
	a, _, aErr := s.onHost("host-a", org, fileA, "20")
	b, _, bErr := s.onHost("host-b", orgB, fileB, "20")
	if err := a.Start(); err != nil {
		t.Fatalf("%v (unshare --uts needs root)", err)
	}
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	for name, cmd := range map[string]*exec.Cmd{"host-a": a, "host-b": b} {
		if err := cmd.Wait(); err != nil {
			t.Errorf("the import on %s: %v\n%s%s", name, err, aErr, bErr)
		}
	}
	stores := e2etest.LocalStores(t, s.store.SQL)
	e2etest.ExactlyOnce(t, s.sim, org, namesA, stores, e2etest.All(namesA))
	e2etest.ExactlyOnce(t, s.sim, orgB, namesB, stores, e2etest.All(namesB))
}
