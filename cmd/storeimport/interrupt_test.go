package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/acme/storeimport/internal/pagetest"
	"github.com/acme/storeimport/internal/pgtest"
)

// TestInterruptSaysWhatTheCommandFinishes sends SIGTERM to serve, worker and import (held at the
// platform), each a process of its own, and reads the notice on stderr: each says what it
// finishes before it stops, and none says another's.
func TestInterruptSaysWhatTheCommandFinishes(t *testing.T) {
	bin, err := exec.LookPath("storeimport")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	token := filepath.Join(dir, "token.txt")
	if err := os.WriteFile(token, []byte(pagetest.PlatformToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const serveSays, workerSays, importSays = "interrupted: finishing the checks in flight",
		"interrupted: the imports running finish their rows in flight and their jobs go back to the queue",
		"interrupted: finishing the rows in flight"
	t.Run("serve", func(t *testing.T) {
		serve, _ := startServe(t)
		interrupt(t, serve, serveSays, "rows in flight")
	})
	t.Run("worker", func(t *testing.T) {
		endpoint, _, release := pagetest.GatedPlatform(t)
		release()
		worker := pagetest.Start(t, bin, "worker", "--endpoint", endpoint, "--token-file", token, "--db", pgtest.URL(t))
		if !worker.AwaitStderr("worker started", 20*time.Second) {
			t.Fatalf("the worker did not start:\n%s", worker.Stderr())
		}
		interrupt(t, worker, workerSays, importSays)
	})
	t.Run("import", func(t *testing.T) {
		endpoint, arrived, release := pagetest.GatedPlatform(t)
		imp := pagetest.Start(t, bin, "import", "--org", "org_1", "--endpoint", endpoint, "--token-file", token,
			"--db", filepath.Join(t.TempDir(), "stores.db"), filepath.Join(merchantDir, "utf8.csv"))
		select {
		case <-arrived:
		case <-time.After(20 * time.Second):
			t.Fatalf("the import never reached the platform:\n%s", imp.Stderr())
		}
		if err := imp.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		said := imp.AwaitStderr(importSays, 20*time.Second)
		release()
		if !said || strings.Contains(imp.Stderr(), "checks in flight") || strings.Contains(imp.Stderr(), "queue") {
			t.Errorf("import after SIGTERM did not say %q alone:\n%s", importSays, imp.Stderr())
		}
		if exited, _ := imp.Wait(20 * time.Second); !exited {
			t.Errorf("import did not stop after SIGTERM")
		}
	})
}

// interrupt sends cmd SIGTERM: it must say says, not other, and exit 0.
func interrupt(t *testing.T, cmd *pagetest.Served, says, other string) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if !cmd.AwaitStderr(says, 20*time.Second) || strings.Contains(cmd.Stderr(), other) {
		t.Errorf("after SIGTERM, want %q and not %q:\n%s", says, other, cmd.Stderr())
	}
	if exited, err := cmd.Wait(20 * time.Second); !exited || err != nil {
		t.Errorf("after SIGTERM: exited %v, %v; want it exited 0", exited, err)
	}
}
