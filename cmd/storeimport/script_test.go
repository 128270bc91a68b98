package main

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/acme/storeimport/cli"
	"github.com/acme/storeimport/orgsim"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"storeimport": func() {
			os.Exit(cli.Main(os.Args[1:], cli.Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
		},
	})
}

// TestScripts drives the command as a user would, one session per testdata/script/*.txtar file.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("ORG_PLATFORM_TOKEN", "")
			env.Setenv("ORG_PLATFORM_ENDPOINT", "")
			env.Setenv("STOREIMPORT_DB", "")
			return copyTestdata(env.WorkDir)
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"exits":  cmdExits,
			"sim":    cmdSim,
			"simlog": cmdSimLog,
			"moved":  cmdMoved,
			"shops":  cmdShops,
			// merchant_test.go
			"tosjis":   cmdToSJIS,
			"fromsjis": cmdFromSJIS,
			"replace":  cmdReplace,
			"dbstore":  cmdDBStore,
			"sparse":   cmdSparse,
			// workbook_script_test.go
			"xlsx":     cmdXLSX,
			"xlsxdump": cmdXLSXDump,
			"xlsxset":  cmdXLSXSet,
		},
	})
}

// copyTestdata puts the project's sample files in the script's work directory: stores.csv, and
// the merchants' files of testdata/merchant as merchant/.
func copyTestdata(dir string) error {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "stores.csv"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "stores.csv"), data, 0o644); err != nil {
		return err
	}
	return copyMerchant(dir)
}

// cmdSim starts the simulator in this test process on 127.0.0.1 and points the script at it:
// $ENDPOINT is its URL and token.txt holds the token for org_1.
//
//	sim [limit=N] [rule=op:pattern:action]...
func cmdSim(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! sim")
	}
	org := orgsim.Org{ID: "org_1", Name: "Acme", ShopLimit: 100}
	var rules []orgsim.Rule
	for _, arg := range args {
		key, value, _ := strings.Cut(arg, "=")
		switch key {
		case "limit":
			n, err := strconv.Atoi(value)
			ts.Check(err)
			org.ShopLimit = n
		case "rule":
			parts := strings.SplitN(value, ":", 3)
			if len(parts) != 3 {
				ts.Fatalf("rule=%s: want op:pattern:action", value)
			}
			rules = append(rules, orgsim.Rule{Op: parts[0], Pattern: parts[1], Action: parts[2]})
		default:
			ts.Fatalf("sim: unknown argument %s", arg)
		}
	}
	sim := orgsim.New(orgsim.Config{
		Organizations: []orgsim.Org{org, {ID: "org_2", Name: "Someone else", ShopLimit: 10}},
		Tokens:        []orgsim.Token{{Value: "script-token", Orgs: []string{"org_1"}}},
		Faults:        orgsim.Faults{Rules: rules},
	})
	srv := httptest.NewServer(sim.Handler())
	ts.Defer(srv.Close)
	ts.Setenv("ENDPOINT", srv.URL+"/graphql")
	ts.Check(os.WriteFile(ts.MkAbs("token.txt"), []byte("script-token\n"), 0o600))
	simulators.Store(ts, sim)
	ts.Defer(func() { simulators.Delete(ts) })
}

// cmdMoved starts on 127.0.0.1 an endpoint that answers every request with a redirect to the
// simulator, as a platform that moved might: $MOVED is its URL.
//
//	moved
func cmdMoved(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: moved")
	}
	srv := httptest.NewServer(http.RedirectHandler(ts.Getenv("ENDPOINT"), http.StatusTemporaryRedirect))
	ts.Defer(srv.Close)
	ts.Setenv("MOVED", srv.URL+"/graphql")
}

// simulators holds each running script's simulator; scripts run in parallel.
var simulators sync.Map

func simOf(ts *testscript.TestScript) *orgsim.Server {
	sim, ok := simulators.Load(ts)
	if !ok {
		ts.Fatalf("no simulator: run sim first")
	}
	return sim.(*orgsim.Server)
}

// cmdSimLog checks how many requests of a kind the simulator got.
//
//	simlog requests|mutations|OPERATION N
func cmdSimLog(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: simlog requests|mutations|OPERATION N")
	}
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	got := 0
	for _, e := range simOf(ts).Log() {
		if args[0] == "requests" || (args[0] == "mutations" && e.OperationType == "mutation") || e.Operation == args[0] {
			got++
		}
	}
	if (got == want) == neg {
		ts.Fatalf("simulator got %d %s, want %s%d", got, args[0], map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// cmdShops checks how many live shops org_1 has, each with RESERVATION on.
//
//	shops N
func cmdShops(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: shops N")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	live := simOf(ts).Shops("org_1", false)
	for _, s := range live {
		if fmt.Sprint(s.Services) != "[RESERVATION]" {
			ts.Fatalf("live shop %s (%s) has services %v", s.ID, s.Name, s.Services)
		}
	}
	if (len(live) == want) == neg {
		ts.Fatalf("org_1 has %d live shops, want %d", len(live), want)
	}
}

// cmdExits runs a program and checks its exact exit code, which the spec gives a meaning to.
//
//	exits N PROGRAM [ARGS...]
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits N PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	code := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case err != nil:
		ts.Fatalf("running %s: %v", args[1], err)
	}
	if code != want {
		ts.Fatalf("%s exited %d, want %d", args[1], code, want)
	}
}

// cmdSparse makes FILE a file of SIZE bytes that takes no room on the disk, for the refusals of
// files too large to read.
//
//	sparse FILE SIZE
func cmdSparse(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: sparse FILE SIZE")
	}
	size, err := strconv.ParseInt(args[1], 10, 64)
	ts.Check(err)
	f, err := os.Create(ts.MkAbs(args[0]))
	ts.Check(err)
	ts.Check(f.Truncate(size))
	ts.Check(f.Close())
}
