package main

import (
	"bufio"
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/acme/storeimport/internal/pagetest"
)

// served is storeimport serve running as a process: this test binary as storeimport, which
// testscript.Main puts on PATH.
type served struct {
	cmd     *exec.Cmd
	browser *pagetest.Browser
	stderr  <-chan string // its lines, as they come; closed when it ends
	exited  <-chan error
}

// startServe starts storeimport serve on a free loopback port with args, and waits for its URL.
func startServe(t *testing.T, args ...string) *served {
	t.Helper()
	bin, err := exec.LookPath("storeimport")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "ORG_PLATFORM_TOKEN=", "ORG_PLATFORM_ENDPOINT=", "STOREIMPORT_DB=")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines, exited := make(chan string, 1024), make(chan error, 1)
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			cmd.Process.Kill()
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	url := regexp.MustCompile(`http://[^ ]+/`).FindString(line)
	if err != nil || url == "" {
		t.Fatalf("serve printed no URL (%v): %q", err, line)
	}
	go func() {
		scan := bufio.NewScanner(stderr)
		for scan.Scan() {
			lines <- scan.Text()
		}
		close(lines)
		exited <- cmd.Wait()
	}()
	return &served{cmd: cmd, browser: pagetest.NewBrowser(t, strings.TrimSuffix(url, "/")), stderr: lines, exited: exited}
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
	serve := startServe(t, "--org", "org_1", "--endpoint", endpoint, "--token-file", token, "--db", filepath.Join(dir, "none.db"))
	browser := serve.browser
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
	if err := serve.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// The platform answers only once serve has taken the signal in.
	for line := range serve.stderr {
		if strings.Contains(line, "interrupted") {
			break
		}
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
	select {
	case err := <-serve.exited:
		if err != nil {
			t.Errorf("serve exited with %v, want 0", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not exit after SIGTERM")
	}
}

// TestServeSeesTheStoresAlreadyImported imports a file, then checks it on the page of a serve
// with the same --db and no endpoint: every row would be skipped, as validate says, and the
// database is read, never written.
func TestServeSeesTheStoresAlreadyImported(t *testing.T) {
	endpoint, _, release := pagetest.GatedPlatform(t)
	release()
	dir := t.TempDir()
	token, db, file := filepath.Join(dir, "token.txt"), filepath.Join(dir, "stores.db"), filepath.Join(merchantDir, "utf8.csv")
	if err := os.WriteFile(token, []byte(pagetest.PlatformToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run("import", "--org", "org_1", "--endpoint", endpoint, "--token-file", token, "--db", db, "--rate", "100", "--burst", "10", file); code != 0 {
		t.Fatalf("import exited %d: %s", code, stderr)
	}
	before := mustRead(t, db)
	serve := startServe(t, "--db", db)
	resp, doc := serve.browser.Upload(serve.browser.CSRF(), "org_1", "utf8.csv", mustRead(t, file))
	if resp.StatusCode != http.StatusOK || pagetest.TextOf(doc, "count-would_skip") != "3" || pagetest.TextOf(doc, "count-would_create") != "0" {
		t.Errorf("the page: %s, would_skip %q, would_create %q, want 3 and 0", resp.Status,
			pagetest.TextOf(doc, "count-would_skip"), pagetest.TextOf(doc, "count-would_create"))
	}
	if !bytes.Equal(mustRead(t, db), before) {
		t.Errorf("the page's check changed the database")
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
