package main

import (
	"bufio"
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

// TestServeFinishesTheCheckInFlightOnSIGTERM runs storeimport serve as a process, holds a check
// at the platform (a simulator that answers only when told), sends SIGTERM, and then lets the
// platform answer: the check's answer comes, and the process exits 0.
func TestServeFinishesTheCheckInFlightOnSIGTERM(t *testing.T) {
	bin, err := exec.LookPath("storeimport") // this test binary as storeimport: testscript.Main puts it on PATH
	if err != nil {
		t.Fatal(err)
	}
	endpoint, arrived, release := pagetest.GatedPlatform(t)
	dir := t.TempDir()
	token := filepath.Join(dir, "token.txt")
	if err := os.WriteFile(token, []byte(pagetest.PlatformToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--org", "org_1", "--endpoint", endpoint,
		"--token-file", token, "--db", filepath.Join(dir, "none.db"))
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
	exited := make(chan error, 1)
	defer func() {
		select {
		case <-exited:
		default:
			cmd.Process.Kill()
		}
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed no URL: %v", err)
	}
	url := regexp.MustCompile(`http://[^ ]+/`).FindString(line)
	if url == "" {
		t.Fatalf("no URL in %q", line)
	}
	warnings := make(chan string, 16)
	go func() {
		scan := bufio.NewScanner(stderr)
		for scan.Scan() {
			warnings <- scan.Text()
		}
		close(warnings)
		exited <- cmd.Wait()
	}()

	browser := pagetest.NewBrowser(t, strings.TrimSuffix(url, "/"))
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
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// The platform answers only once serve has taken the signal in.
	for line := range warnings {
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
	go func() {
		for range warnings {
		}
	}()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("serve exited with %v, want 0", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not exit after SIGTERM")
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
