package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/acme/storeimport/internal/pagetest"
	"github.com/acme/storeimport/internal/pgtest"
)

// startServe starts storeimport serve (this test binary as storeimport, which testscript.Main
// puts on PATH) on a free loopback port with args, and a browser of its page.
func startServe(t *testing.T, args ...string) (*pagetest.Served, *pagetest.Browser) {
	t.Helper()
	bin, err := exec.LookPath("storeimport")
	if err != nil {
		t.Fatal(err)
	}
	serve := pagetest.StartServe(t, bin, append([]string{"--addr", "127.0.0.1:0"}, args...)...)
	return serve, pagetest.NewBrowser(t, serve.URL)
}

// TestServeFinishesTheCheckInFlightOnSIGTERM holds a check at the platform (a simulator that
// answers only when told), sends serve SIGTERM, and then lets the platform answer: the check's
// answer comes, and the process exits 0.
func TestServeFinishesTheCheckInFlightOnSIGTERM(t *testing.T) {
	endpoint, arrived, release := pagetest.GatedPlatform(t)
	dir := t.TempDir()
	token := filepath.Join(dir, "token.txt")
	if err := os.WriteFile(token, []byte(pagetest.PlatformToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	serve, browser := startServe(t, "--org", "org_1", "--endpoint", endpoint, "--token-file", token, "--db", filepath.Join(dir, "none.db"))
	contentType, form := pagetest.Form(t, browser.CSRF(), "org_1", "utf8.csv", mustRead(t, filepath.Join(merchantDir, "utf8.csv")))
	answer := make(chan *http.Response, 1)
	go func() {
		resp, err := browser.Client.Post(browser.URL+"/check", contentType, form)
		if err != nil {
			t.Error(err)
		}
		answer <- resp
	}()
	select {
	case <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the check never reached the platform")
	}
	if err := serve.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// The platform answers only once serve has taken the signal in.
	if !serve.AwaitStderr("interrupted", 20*time.Second) {
		t.Errorf("serve did not say it was interrupted:\n%s", serve.Stderr())
	}
	release()
	resp := <-answer
	if resp == nil {
		return
	}
	// Its result comes in the answer itself, since serve takes no next request.
	doc := pagetest.Parse(t, resp)
	if resp.StatusCode != http.StatusOK || pagetest.TextOf(doc, "count-would_create") != "3" || pagetest.ByID(doc, "stopping") == nil {
		t.Errorf("the check in flight: %s, would_create %q, #stopping %q, want its result page while stopping",
			resp.Status, pagetest.TextOf(doc, "count-would_create"), pagetest.TextOf(doc, "stopping"))
	}
	if exited, err := serve.Wait(20 * time.Second); !exited || err != nil {
		t.Errorf("serve after SIGTERM: exited %v, %v; want it exited 0", exited, err)
	}
}

// TestServeSeesTheStoresAlreadyImported imports a file, then checks it on the page of a serve
// with the same --db and no endpoint, on SQLite and on PostgreSQL: every row would be skipped, as
// validate says, and the database is read, never written.
func TestServeSeesTheStoresAlreadyImported(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			endpoint, _, release := pagetest.GatedPlatform(t)
			release()
			dir := t.TempDir()
			token, file := filepath.Join(dir, "token.txt"), filepath.Join(merchantDir, "utf8.csv")
			db := filepath.Join(dir, "stores.db")
			if kind == "postgres" {
				db = pgtest.URL(t)
			}
			if err := os.WriteFile(token, []byte(pagetest.PlatformToken+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if code, _, stderr := run("import", "--org", "org_1", "--endpoint", endpoint, "--token-file", token, "--db", db, "--rate", "100", "--burst", "10", file); code != 0 {
				t.Fatalf("import exited %d: %s", code, stderr)
			}
			before := snapshot(t, db)
			_, browser := startServe(t, "--db", db)
			resp, doc := browser.Upload(browser.CSRF(), "org_1", "utf8.csv", mustRead(t, file))
			if resp.StatusCode != http.StatusOK || pagetest.TextOf(doc, "count-would_skip") != "3" || pagetest.TextOf(doc, "count-would_create") != "0" {
				t.Errorf("the page: %s, would_skip %q, would_create %q, want 3 and 0", resp.Status,
					pagetest.TextOf(doc, "count-would_skip"), pagetest.TextOf(doc, "count-would_create"))
			}
			if !bytes.Equal(snapshot(t, db), before) {
				t.Errorf("the page's check changed the database")
			}
		})
	}
}

// snapshot is what a database holds: a SQLite file's bytes, or every row of every table of a
// PostgreSQL database's schema.
func snapshot(t *testing.T, db string) []byte {
	t.Helper()
	if !strings.HasPrefix(db, "postgres://") {
		return mustRead(t, db)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1")
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(tables) == 0 {
		t.Fatalf("the database's tables: %v %v", tables, err)
	}
	var all bytes.Buffer
	for _, table := range tables {
		var content string
		if err := conn.QueryRow(ctx, "SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') FROM "+table+" t").Scan(&content); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&all, "%s\n%s\n", table, content)
	}
	return all.Bytes()
}

// TestServeShowsJobsOnlyWithPostgreSQL: with an SQLite --db the page says nothing of jobs; with a
// PostgreSQL one it links to the organization's jobs, reading a database with no tables yet
// without making any.
func TestServeShowsJobsOnlyWithPostgreSQL(t *testing.T) {
	_, sqlite := startServe(t, "--db", filepath.Join(t.TempDir(), "stores.db"))
	if _, home := sqlite.Get("/"); pagetest.ByID(home, "jobs-link") != nil {
		t.Error("serve with an SQLite --db links to jobs")
	}
	if resp, _ := sqlite.Download("/jobs?org=org_1"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("/jobs with an SQLite --db: %s, want 404", resp.Status)
	}

	_, postgres := startServe(t, "--db", pgtest.URL(t), "--org", "org_1")
	_, home := postgres.Get("/")
	link := pagetest.ByID(home, "jobs-link")
	if link == nil {
		t.Fatal("serve with a PostgreSQL --db has no a#jobs-link")
	}
	_, doc := postgres.Get(pagetest.Attr(link, "href"))
	if pagetest.ByID(doc, "jobs") == nil || pagetest.ByID(doc, "no-jobs") == nil {
		t.Errorf("the jobs page of a database with no jobs: want section#jobs saying there are none")
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestServeStopsWithAStalledUpload holds a check's upload half sent, then stops serve with one
// SIGTERM (serve waits for the upload until it is given up, then exits 0) or two (serve exits at
// once): either way no folder of the page's is left in TMPDIR.
func TestServeStopsWithAStalledUpload(t *testing.T) {
	for _, signals := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d SIGTERM", signals), func(t *testing.T) {
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			serve, browser := startServe(t)
			pagetest.StalledUpload(t, browser)
			pageDirs := filepath.Join(tmp, "storeimport-serve-*")
			if !awaitFiles(filepath.Join(pageDirs, "check-*"), 10*time.Second) {
				t.Fatal("the stalled upload's check never began")
			}
			for _, said := range []string{"interrupted", "stopped at once"}[:signals] {
				if err := serve.Process.Signal(syscall.SIGTERM); err != nil {
					t.Fatal(err)
				}
				if !serve.AwaitStderr(said, 10*time.Second) {
					t.Fatalf("serve did not take SIGTERM in:\n%s", serve.Stderr())
				}
			}
			exited, err := serve.Wait(90 * time.Second)
			var exit *exec.ExitError
			switch {
			case !exited:
				t.Fatalf("serve did not exit after %d SIGTERM:\n%s", signals, serve.Stderr())
			case signals == 1 && err != nil:
				t.Errorf("serve exited with %v after one SIGTERM, want 0:\n%s", err, serve.Stderr())
			case signals == 2 && (!errors.As(err, &exit) || exit.ExitCode() != 130):
				t.Errorf("serve exited with %v after two SIGTERM, want 130", err)
			}
			if left, _ := filepath.Glob(pageDirs); len(left) != 0 {
				t.Errorf("serve left %v", left)
			}
		})
	}
}

// awaitFiles waits at most wait for a file matching pattern.
func awaitFiles(pattern string, wait time.Duration) bool {
	for deadline := time.Now().Add(wait); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if found, _ := filepath.Glob(pattern); len(found) > 0 {
			return true
		}
	}
	return false
}

// TestServeAnswersAtItsPublicURL: serve --public-url answers requests that name the public host,
// as a TLS proxy passing the browser's Host on sends them, with Secure cookies; one the proxy
// says came over plain HTTP is refused.
func TestServeAnswersAtItsPublicURL(t *testing.T) {
	password := filepath.Join(t.TempDir(), "password.txt")
	if err := os.WriteFile(password, []byte("correct horse\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	serve, _ := startServe(t, "--public-url", "https://stores-support.example.test/", "--password-file", password)
	for _, c := range []struct {
		host, proto string
		want        int
	}{
		{"stores-support.example.test", "https", http.StatusOK},
		{"stores-support.example.test", "http", http.StatusMisdirectedRequest},
		{"other.example.test", "https", http.StatusMisdirectedRequest},
	} {
		resp := pagetest.GetAsHost(t, serve.URL+"/", c.host, http.Header{"X-Forwarded-Proto": {c.proto}})
		if resp.StatusCode != c.want {
			t.Errorf("Host %s over %s: %s, want %d", c.host, c.proto, resp.Status, c.want)
		}
		if cookies := resp.Cookies(); c.want == http.StatusOK && (len(cookies) == 0 || !cookies[0].Secure) {
			t.Errorf("Host %s: cookies %v, want a Secure session cookie", c.host, cookies)
		}
	}
}

// A public URL of an internationalized name is answered under the ASCII form browsers send.
func TestServeAnswersAtAnInternationalizedPublicURL(t *testing.T) {
	password := filepath.Join(t.TempDir(), "password.txt")
	if err := os.WriteFile(password, []byte("correct horse\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	serve, _ := startServe(t, "--public-url", "https://サポート.example/", "--password-file", password)
	resp := pagetest.GetAsHost(t, serve.URL+"/", "xn--vckvb6c8f.example", http.Header{"X-Forwarded-Proto": {"https"}})
	if resp.StatusCode != http.StatusOK {
		t.Errorf("Host xn--vckvb6c8f.example for --public-url https://サポート.example/: %s, want 200", resp.Status)
	}
}
