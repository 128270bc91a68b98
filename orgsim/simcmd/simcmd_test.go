package simcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/acme/storeimport/orgsim"
)

func TestFlagsMakeTheConfig(t *testing.T) {
	cfgFile := filepath.Join(t.TempDir(), "sim.json")
	if err := os.WriteFile(cfgFile, []byte(`{"organizations": [{"id": "from_file", "shopLimit": 3}], "seed": 9,
		"faults": {"rules": [{"op": "shop", "pattern": "x", "action": "INTERNAL"}]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{tokenEnv: "env-token"}
	o, err := parseFlags([]string{
		"--config", cfgFile,
		"--org", "org_1", "--org-name", "Acme", "--shop-limit", "7",
		"--rate", "2.5", "--burst", "4", "--latency", "15ms",
		"--fail-503", "createShop=0.5", "--fail-504", "createShop=0.25", "--fail-504", "deleteShop=1",
		"--rule", "createShop:^BAD:INVALID_INPUT", "--rule", "deleteShop:^a:b$:503",
	}, func(k string) string { return env[k] }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := o.config()
	if err != nil {
		t.Fatal(err)
	}
	wantOrgs := []orgsim.Org{{ID: "from_file", ShopLimit: 3}, {ID: "org_1", Name: "Acme", ShopLimit: 7}}
	if len(cfg.Organizations) != 2 || cfg.Organizations[0] != wantOrgs[0] || cfg.Organizations[1] != wantOrgs[1] {
		t.Errorf("organizations %+v", cfg.Organizations)
	}
	if len(cfg.Tokens) != 1 || cfg.Tokens[0].Value != "env-token" || strings.Join(cfg.Tokens[0].Orgs, ",") != "from_file,org_1" {
		t.Errorf("tokens %+v", cfg.Tokens)
	}
	if cfg.RateLimit != (orgsim.RateLimit{RPS: 2.5, Burst: 4}) || cfg.Faults.Latency != 15*time.Millisecond || cfg.Seed != 9 {
		t.Errorf("rate %+v latency %v seed %d", cfg.RateLimit, cfg.Faults.Latency, cfg.Seed)
	}
	if cfg.Faults.Ops[orgsim.OpCreateShop] != (orgsim.OpFaults{Fail503: 0.5, Fail504: 0.25}) ||
		cfg.Faults.Ops[orgsim.OpDeleteShop] != (orgsim.OpFaults{Fail504: 1}) {
		t.Errorf("ops %+v", cfg.Faults.Ops)
	}
	wantRules := []orgsim.Rule{
		{Op: "shop", Pattern: "x", Action: "INTERNAL"},
		{Op: "createShop", Pattern: "^BAD", Action: "INVALID_INPUT"},
		{Op: "deleteShop", Pattern: "^a:b$", Action: "503"},
	}
	if len(cfg.Faults.Rules) != len(wantRules) {
		t.Fatalf("rules %+v", cfg.Faults.Rules)
	}
	for i := range wantRules {
		if cfg.Faults.Rules[i] != wantRules[i] {
			t.Errorf("rule %d: %+v, want %+v", i, cfg.Faults.Rules[i], wantRules[i])
		}
	}
}

func TestBadFlagsAreRefused(t *testing.T) {
	for _, args := range [][]string{
		{"--fail-503", "createShop"},
		{"--fail-503", "createShop=often"},
		{"--rule", "createShop:^BAD"},
		{"--kill-after", "createShop:0", "--kill-pid-file", "x"},
		{"--kill-after", "shops:1", "--kill-pid-file", "x"},
		{"--kill-after", "createShop:1"},
		{"stray"},
	} {
		if _, err := parseFlags(args, func(string) string { return "" }, &bytes.Buffer{}); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
	o, err := parseFlags([]string{"--rule", "createShop:x:TEAPOT"}, func(string) string { return "" }, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.config(); err == nil {
		t.Error("unknown rule action accepted")
	}
	if code := Main(context.Background(), []string{"--nope"}, os.Getenv, &bytes.Buffer{}); code != 2 {
		t.Errorf("exit %d for an unknown flag, want 2", code)
	}
}

// syncBuffer is stderr shared by the command's goroutines and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitForFile polls for a file, for at most ten seconds.
func waitForFile(t *testing.T, path string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if data, err := os.ReadFile(path); err == nil {
			return strings.TrimSpace(string(data))
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s never appeared", path)
	return ""
}

func TestMainServesUntilCancelledAndKillsAfterCommit(t *testing.T) {
	sleepPath, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep command to kill")
	}
	victim := exec.Command(sleepPath, "60")
	if err := victim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = victim.Process.Kill() })
	victimDone := make(chan error, 1)
	go func() { victimDone <- victim.Wait() }()

	dir := t.TempDir()
	pidFile := filepath.Join(dir, "victim.pid")
	if err := os.WriteFile(pidFile, []byte(strconv.Itoa(victim.Process.Pid)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addrFile := filepath.Join(dir, "addr")
	logFile := filepath.Join(dir, "requests.jsonl")
	const token = "cli-secret-token"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &syncBuffer{}
	exited := make(chan int, 1)
	go func() {
		exited <- Main(ctx, []string{
			"--addr-file", addrFile, "--request-log", logFile,
			"--org", "org_1", "--token", token,
			"--kill-after", "createShop:2", "--kill-pid-file", pidFile,
		}, func(string) string { return "" }, stderr)
	}()

	url := waitForFile(t, addrFile)
	if !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.HasSuffix(url, "/graphql") {
		t.Fatalf("addr file holds %q", url)
	}
	create := func(name string) int {
		body := `{"query":"mutation($i: CreateShopInput!) { createShop(input: $i) { shop { id } } }","variables":{"i":{"organizationId":"org_1","name":"` + name + `","location":"x"}}}`
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("POST: %v", err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if status := create("one"); status != http.StatusOK {
		t.Fatalf("first createShop: %d", status)
	}
	select {
	case err := <-victimDone:
		t.Fatalf("victim died after the first commit: %v", err)
	default:
	}
	if status := create("two"); status != http.StatusOK {
		t.Fatalf("second createShop: %d", status)
	}
	select {
	case err := <-victimDone:
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) || exitErr.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Errorf("victim ended with %v, want SIGKILL", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("victim was not killed after the second commit")
	}

	cancel()
	select {
	case code := <-exited:
		if code != 0 {
			t.Errorf("exit %d, want 0; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Main did not stop after cancel")
	}
	if strings.Contains(stderr.String(), token) {
		t.Error("stderr shows the token")
	}
	data, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 2 || strings.Contains(string(data), token) {
		t.Fatalf("request log:\n%s", data)
	}
	var e orgsim.LogEntry
	if err := json.Unmarshal([]byte(lines[1]), &e); err != nil {
		t.Fatal(err)
	}
	if e.Operation != orgsim.OpCreateShop || e.Status != http.StatusOK || e.Token != "token#1" {
		t.Errorf("log entry %+v", e)
	}
}
