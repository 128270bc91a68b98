package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/acme/storeimport/orgclient"
)

const (
	org   = "org_e2e"
	token = "e2e-token-7d1f"
)

// simProcess is orgplatform-sim running as its own process on a free loopback port.
type simProcess struct {
	endpoint string
	logPath  string
	cmd      *exec.Cmd
}

func startSim(t *testing.T, args ...string) *simProcess {
	t.Helper()
	dir := t.TempDir()
	addrFile := filepath.Join(dir, "addr")
	sim := &simProcess{logPath: filepath.Join(dir, "requests.jsonl")}
	sim.cmd = exec.Command(filepath.Join(bins, "orgplatform-sim"), append([]string{
		"--addr", "127.0.0.1:0", "--addr-file", addrFile, "--org", org, "--shop-limit", "1000",
		"--request-log", sim.logPath,
	}, args...)...)
	sim.cmd.Env = append(os.Environ(), "ORG_SIM_TOKEN="+token)
	sim.cmd.Stderr = os.Stderr
	if err := sim.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sim.cmd.Process.Signal(os.Interrupt)
		sim.cmd.Wait()
	})
	for range 200 {
		if addr, err := os.ReadFile(addrFile); err == nil && len(addr) > 0 {
			sim.endpoint = strings.TrimSpace(string(addr))
			return sim
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatal("the simulator did not write its address within 5 s")
	return nil
}

// client talks to the simulator over the contract, as any other caller would.
func (s *simProcess) client(t *testing.T) *orgclient.Client {
	t.Helper()
	c, err := orgclient.New(orgclient.Config{Endpoint: s.endpoint, Token: token, Rate: 1000, Burst: 100})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type logEntry struct {
	Operation      string `json:"operation"`
	OperationType  string `json:"operationType"`
	IdempotencyKey string `json:"idempotencyKey"`
	Replayed       bool   `json:"replayed"`
	Status         int    `json:"status"`
	Outcome        string `json:"outcome"`
}

func (s *simProcess) requests(t *testing.T) []logEntry {
	t.Helper()
	data, err := os.ReadFile(s.logPath)
	if err != nil {
		t.Fatal(err)
	}
	var entries []logEntry
	for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		var e logEntry
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatalf("request log line %q: %v", line, err)
		}
		entries = append(entries, e)
	}
	return entries
}

// run is one storeimport invocation.
type run struct {
	code           int
	stdout, stderr string
}

func storeimport(t *testing.T, dir string, args ...string) run {
	t.Helper()
	cmd := exec.Command(filepath.Join(bins, "storeimport"), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "ORG_PLATFORM_TOKEN="+token)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := run{stdout: stdout.String(), stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		r.code = exitErr.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	if strings.Contains(r.stdout+r.stderr, token) {
		t.Error("storeimport printed the token")
	}
	return r
}

type jsonReport struct {
	Rows []struct {
		Line     int     `json:"line"`
		PublicID string  `json:"public_id"`
		Status   string  `json:"status"`
		ShopID   *string `json:"shop_id"`
		Error    *string `json:"error"`
	} `json:"rows"`
	Summary map[string]int `json:"summary"`
}

func parseReport(t *testing.T, r run) jsonReport {
	t.Helper()
	var rep jsonReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("report is not JSON (%v):\n%s\nstderr:\n%s", err, r.stdout, r.stderr)
	}
	return rep
}

// liveShops lists the organization's live shops through the contract's shops query.
func liveShops(t *testing.T, c *orgclient.Client) []orgclient.Shop {
	t.Helper()
	shops, err := c.Shops(context.Background(), org)
	if err != nil {
		t.Fatal(err)
	}
	return shops
}

// localStores maps public_id to platform_shop_id in the database.
func localStores(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	rows, err := db.Query(`SELECT public_id, platform_shop_id FROM stores`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	stores := map[string]string{}
	for rows.Next() {
		var id, shop string
		if err := rows.Scan(&id, &shop); err != nil {
			t.Fatal(err)
		}
		stores[id] = shop
	}
	return stores
}
