package orgsim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadConfig(t *testing.T) {
	path := writeFile(t, `{
  "organizations": [{"id": "org_1", "name": "Acme", "shopLimit": 10}],
  "tokens": [{"value": "secret", "orgs": ["org_1"]}],
  "rateLimit": {"rps": 5, "burst": 10},
  "faults": {
    "latency": "20ms",
    "ops": {"createShop": {"fail503": 0.1, "fail504": 0.2}},
    "rules": [{"op": "deleteShop", "pattern": "^FAILDEL", "action": "503"}]
  },
  "seed": 42
}`)
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Organizations) != 1 || cfg.Organizations[0] != (Org{ID: "org_1", Name: "Acme", ShopLimit: 10}) {
		t.Errorf("organizations %+v", cfg.Organizations)
	}
	if len(cfg.Tokens) != 1 || cfg.Tokens[0].Value != "secret" || cfg.Tokens[0].Orgs[0] != "org_1" {
		t.Errorf("tokens %+v", cfg.Tokens)
	}
	if cfg.RateLimit != (RateLimit{RPS: 5, Burst: 10}) || cfg.Seed != 42 {
		t.Errorf("rate %+v seed %d", cfg.RateLimit, cfg.Seed)
	}
	f := cfg.Faults
	if f.Latency != 20*time.Millisecond || f.Ops[OpCreateShop] != (OpFaults{Fail503: 0.1, Fail504: 0.2}) ||
		len(f.Rules) != 1 || f.Rules[0] != (Rule{Op: OpDeleteShop, Pattern: "^FAILDEL", Action: Action503}) {
		t.Errorf("faults %+v", f)
	}

	nanos := writeFile(t, `{"faults": {"latency": 1000}}`)
	if cfg, err := LoadConfig(nanos); err != nil || cfg.Faults.Latency != time.Microsecond {
		t.Errorf("latency in nanoseconds: %v %v", cfg.Faults.Latency, err)
	}
}

func TestLoadConfigRejectsBadConfigs(t *testing.T) {
	cases := map[string]string{
		"not JSON":          `{`,
		"bad latency":       `{"faults": {"latency": "soon"}}`,
		"duplicate org":     `{"organizations": [{"id": "a"}, {"id": "a"}]}`,
		"org without id":    `{"organizations": [{"name": "x"}]}`,
		"negative limit":    `{"organizations": [{"id": "a", "shopLimit": -1}]}`,
		"empty token":       `{"tokens": [{"value": ""}]}`,
		"duplicate token":   `{"tokens": [{"value": "t"}, {"value": "t"}]}`,
		"negative rate":     `{"rateLimit": {"rps": -1}}`,
		"unknown operation": `{"faults": {"ops": {"createShops": {"fail503": 1}}}}`,
		"bad pattern":       `{"faults": {"rules": [{"op": "createShop", "pattern": "(", "action": "503"}]}}`,
	}
	for name, content := range cases {
		if _, err := LoadConfig(writeFile(t, content)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	_, err := LoadConfig(writeFile(t, `{"tokens": [{"value": "hunter2"}, {"value": "hunter2"}]}`))
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("duplicate token error %v must not show the token", err)
	}
	if _, err := LoadConfig(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("missing file accepted")
	}
}

func TestNewPanicsOnInvalidConfig(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New accepted an invalid config")
		}
	}()
	New(Config{Organizations: []Org{{ID: ""}}})
}

func TestAddOrganizationAndToken(t *testing.T) {
	sim, url := startSim(t, Config{})
	if err := sim.AddOrganization(Org{ID: "late", Name: "Late", ShopLimit: 1}); err != nil {
		t.Fatal(err)
	}
	if err := sim.AddOrganization(Org{ID: "late"}); err == nil {
		t.Error("duplicate organization accepted")
	}
	if err := sim.AddToken(Token{Value: "t", Orgs: []string{"late"}}); err != nil {
		t.Fatal(err)
	}
	if err := sim.AddToken(Token{Value: "t"}); err == nil {
		t.Error("duplicate token accepted")
	}
	mustCreate(t, url, "t", "late", "shop")
	if got := sim.Log()[0].Token; got != "token#1" {
		t.Errorf("token label %q", got)
	}
}
