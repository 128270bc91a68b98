// Package e2etest is what the end-to-end suites (e2e, and e2e/jobs for queued imports) share:
// the binaries they build, a storeimport run and its JSON report, a merchant's file, and the
// exactly-once check of an organization on the simulator.
package e2etest

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/acme/storeimport/orgsim"
)

// The organizations and the token the suites' platforms know.
const (
	Org   = "org_e2e"
	OrgB  = "org_e2e_b"
	Token = "e2e-token-7d1f"
)

// bins holds the freshly built storeimport and orgplatform-sim.
var bins string

// Bin is the path of a built binary: storeimport or orgplatform-sim.
func Bin(name string) string { return filepath.Join(bins, name) }

// Main is a suite's TestMain: it builds the binaries into a directory of their own, runs the
// tests, and removes the directory.
func Main(m *testing.M) {
	dir, err := os.MkdirTemp("", "storeimport-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bins = dir
	code := build()
	if code == 0 {
		code = m.Run()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

func build() int {
	for _, name := range []string{"storeimport", "orgplatform-sim"} {
		cmd := exec.Command("go", "build", "-o", Bin(name), "github.com/acme/storeimport/cmd/"+name)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "building %s: %v\n", name, err)
			return 1
		}
	}
	return 0
}

// Run is one storeimport invocation.
type Run struct {
	Code           int
	Stdout, Stderr string
}

// Storeimport runs the built storeimport in dir with the token in its environment, and fails the
// test if it printed the token.
func Storeimport(t *testing.T, dir string, args ...string) Run {
	t.Helper()
	cmd := exec.Command(Bin("storeimport"), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "ORG_PLATFORM_TOKEN="+Token)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := Run{Stdout: stdout.String(), Stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		r.Code = exitErr.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	if strings.Contains(r.Stdout+r.Stderr, Token) {
		t.Error("storeimport printed the token")
	}
	return r
}

// JSONReport is a report of --format json.
type JSONReport struct {
	Rows []struct {
		Line     int     `json:"line"`
		PublicID string  `json:"public_id"`
		Status   string  `json:"status"`
		ShopID   *string `json:"shop_id"`
		Error    *string `json:"error"`
	} `json:"rows"`
	Summary map[string]int `json:"summary"`
}

func ParseReport(t *testing.T, r Run) JSONReport {
	t.Helper()
	var rep JSONReport
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil {
		t.Fatalf("report is not JSON (%v):\n%s\nstderr:\n%s", err, r.Stdout, r.Stderr)
	}
	return rep
}

// StoresFile writes, in dir, a CSV of rows stores of orgID followed by bad invalid rows, and
// returns its path and the valid stores' shop names by public_id.
func StoresFile(t *testing.T, dir, orgID string, rows, bad int) (string, map[string]string) {
	t.Helper()
	names := map[string]string{}
	var csv strings.Builder
	csv.WriteString("public_id,name,location,industry,phone\n")
	for i := range rows {
		id, name := fmt.Sprintf("%s-%03d", strings.ReplaceAll(orgID, "_", "-"), i), fmt.Sprintf("%s店%03d", orgID, i)
		names[id] = name
		fmt.Fprintf(&csv, "%s,%s,東京都千代田区%d-1,restaurant,03-1234-%04d\n", id, name, i, i)
	}
	for i := range bad {
		fmt.Fprintf(&csv, "Bad ID %d,x,y,restaurant,\n", i)
	}
	path := filepath.Join(dir, orgID+".csv")
	if err := os.WriteFile(path, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, names
}

// All is every store of names, for ExactlyOnce's expectCreated.
func All(names map[string]string) map[string]bool {
	every := map[string]bool{}
	for id := range names {
		every[id] = true
	}
	return every
}

// AwaitCreate waits, at most 5 s, until sim has seen a createShop: the import holds its
// organization's lock and is mid-way.
func AwaitCreate(t *testing.T, sim *orgsim.Server) {
	t.Helper()
	for range 250 {
		for _, e := range sim.Log() {
			if e.Operation == orgsim.OpCreateShop {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no createShop within 5 s")
}

// LocalStores maps public_id to platform_shop_id in the database.
func LocalStores(t *testing.T, db *sql.DB) map[string]string {
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

// ExactlyOnce checks one organization: each store of names (public_id -> shop name) expected
// created has exactly one live shop, with RESERVATION, and one local store linked to it; the
// others have nothing; no live shop is without a store. It returns the duplicate and orphan counts.
func ExactlyOnce(t *testing.T, sim *orgsim.Server, orgID string, names map[string]string, stores map[string]string,
	expectCreated map[string]bool) (duplicates, orphans int) {
	t.Helper()
	byName := map[string][]orgsim.Shop{}
	linked := map[string]bool{}
	for _, id := range stores {
		linked[id] = true
	}
	for _, s := range sim.Shops(orgID, false) {
		byName[s.Name] = append(byName[s.Name], s)
		if !linked[s.ID] {
			orphans++
			t.Errorf("orphan: live shop %s (%s) has no local store", s.ID, s.Name)
		}
	}
	for id, name := range names {
		shops := byName[name]
		if len(shops) > 1 {
			duplicates += len(shops) - 1
			t.Errorf("duplicate: %s has %d live shops", id, len(shops))
		}
		if !expectCreated[id] {
			if len(shops) != 0 || stores[id] != "" {
				t.Errorf("%s should have nothing: %d shops, store %q", id, len(shops), stores[id])
			}
			continue
		}
		if len(shops) != 1 || stores[id] != shops[0].ID || fmt.Sprint(shops[0].Services) != "[RESERVATION]" {
			t.Errorf("%s: live shops %+v, local store linked to %q", id, shops, stores[id])
		}
	}
	return duplicates, orphans
}
