package browser

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/acme/storeimport/internal/pagetest"
)

// stopTimeout bounds how long serve may take to stop when asked.
const stopTimeout = 15 * time.Second

// serve runs `storeimport serve` on a free loopback port with a database path of its own (which
// it must not create) and the flags given, and returns the page's URL. It is stopped with SIGINT
// when the test ends, and must then exit 0.
func serve(t *testing.T, args ...string) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "stores.db")
	page := pagetest.StartServe(t, bin, append([]string{"--addr", "127.0.0.1:0", "--db", db}, args...)...)
	t.Cleanup(func() {
		stop(t, page)
		if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("serve made the database %s, which did not exist (%v): a check only reads it", db, err)
		}
	})
	return page.URL + "/"
}

// stop asks serve to stop as Ctrl-C does: it finishes what it is doing and exits 0.
func stop(t *testing.T, page *pagetest.Served) {
	page.Process.Signal(os.Interrupt)
	exited, err := page.Wait(stopTimeout)
	switch {
	case !exited:
		t.Errorf("storeimport serve did not stop within %v of SIGINT", stopTimeout)
	case err != nil:
		t.Errorf("storeimport serve ended with %v on SIGINT, want exit 0; it said:\n%s", err, page.Stderr())
	}
}
