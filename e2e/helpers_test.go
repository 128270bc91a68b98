package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/acme/storeimport/internal/e2etest"
	"github.com/acme/storeimport/orgclient"
)

const (
	org   = e2etest.Org
	token = e2etest.Token
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
	sim.cmd = exec.Command(e2etest.Bin("orgplatform-sim"), append([]string{
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

// liveShops lists the organization's live shops through the contract's shops query.
func liveShops(t *testing.T, c *orgclient.Client) []orgclient.Shop {
	t.Helper()
	shops, err := c.Shops(context.Background(), org)
	if err != nil {
		t.Fatal(err)
	}
	return shops
}
