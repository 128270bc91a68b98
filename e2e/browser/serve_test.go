package browser

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// startTimeout bounds how long serve may take to print its URL, and to stop when asked.
const startTimeout = 15 * time.Second

// urlPattern finds the page's URL in the line serve prints once it listens.
var urlPattern = regexp.MustCompile(`http://[^ ]+/`)

// serve runs `storeimport serve` on a free loopback port with a database path of its own (which
// it must not create) and the flags given, and returns the page's URL. It is stopped with SIGINT
// when the test ends, and must then exit 0.
func serve(t *testing.T, args ...string) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "stores.db")
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db}, args...)...)
	endsWithTheTests(cmd)
	// A file, which exec's goroutine writes and a failure reads, with no lock to share.
	stderr, err := os.Create(filepath.Join(t.TempDir(), "serve.stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	found := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if u := urlPattern.FindString(lines.Text()); u != "" {
				found <- u
				break
			}
		}
		// Whatever else serve prints is read, so that it never blocks on a full pipe.
		for lines.Scan() {
		}
		exited <- cmd.Wait()
	}()
	select {
	case u := <-found:
		t.Cleanup(func() {
			stop(t, cmd, exited, stderr.Name())
			if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("serve made the database %s, which did not exist (%v): a check only reads it", db, err)
			}
		})
		return u
	case err := <-exited:
		t.Fatalf("storeimport serve %q exited before printing its URL (%v); it said:\n%s", args, err, said(stderr.Name()))
	case <-time.After(startTimeout):
		cmd.Process.Kill()
		<-exited
		t.Fatalf("storeimport serve %q printed no URL within %v; it said:\n%s", args, startTimeout, said(stderr.Name()))
	}
	return ""
}

// stop asks serve to stop as Ctrl-C does: it finishes what it is doing and exits 0.
func stop(t *testing.T, cmd *exec.Cmd, exited chan error, stderr string) {
	cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("storeimport serve ended with %v on SIGINT, want exit 0; it said:\n%s", err, said(stderr))
		}
	case <-time.After(startTimeout):
		cmd.Process.Kill()
		<-exited
		t.Errorf("storeimport serve did not stop within %v of SIGINT", startTimeout)
	}
}

// said is what serve wrote to its stderr.
func said(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}
