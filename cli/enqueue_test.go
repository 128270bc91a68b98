package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/acme/storeimport/internal/pgtest"
)

// --enqueue stores the very bytes it checked. The file is a named pipe that gives each reader a
// file of another length, as a file rewritten while it is enqueued would: the rows the check
// counted must be the rows stored.
func TestEnqueueStoresTheBytesItChecked(t *testing.T) {
	url := pgtest.URL(t)
	path := filepath.Join(t.TempDir(), "stores.csv")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	stop := servePipe(t, path)
	var stdout, stderr bytes.Buffer
	code := Main([]string{"import", "--enqueue", "--org", "org_1", "--db", url, path}, Streams{In: strings.NewReader(""), Out: &stdout, Err: &stderr})
	stop()
	if code != 0 {
		t.Fatalf("import --enqueue: exit %d\n%s", code, stderr.String())
	}
	checked := regexp.MustCompile(`of (\d+) rows`).FindStringSubmatch(stderr.String())
	if checked == nil {
		t.Fatalf("no count of the rows checked on stderr:\n%s", stderr.String())
	}
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var stored []byte
	if err := conn.QueryRow(context.Background(), `SELECT file_content FROM import_jobs`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if rows := strconv.Itoa(bytes.Count(stored, []byte("\n")) - 1); rows != checked[1] {
		t.Errorf("the check counted %s rows, the job stores a file of %s rows:\n%s", checked[1], rows, stored)
	}
}

// servePipe writes to the named pipe at path, for each of at most 10 readers in turn, a CSV of as
// many rows as readers before it, until stop is called.
func servePipe(t *testing.T, path string) (stop func()) {
	stopped, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for n := 1; n <= 10; n++ {
			w, err := os.OpenFile(path, os.O_WRONLY, 0) // blocks until the next reader opens it
			if err != nil {
				return
			}
			select {
			case <-stopped:
				w.Close()
				return
			default:
			}
			var csv strings.Builder
			csv.WriteString("public_id,name,location,industry\n")
			for i := range n {
				fmt.Fprintf(&csv, "s-%d,店%d,東京都千代田区%d-1,restaurant\n", i, i, i)
			}
			// A reader that only peeks may close before or during the write: no matter.
			writer := strconv.Itoa(int(w.Fd()))
			awaitOpenHere(path, writer, true, time.Second, stopped)
			w.WriteString(csv.String())
			w.Close()
			awaitOpenHere(path, writer, false, 5*time.Second, stopped)
		}
	}()
	return func() {
		close(stopped)
		// Open and close the reading end, so that a writer waiting for a reader goes on, and stops.
		if r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			time.Sleep(10 * time.Millisecond)
			r.Close()
		}
		<-done
	}
}

// awaitOpenHere waits, at most limit, until this process has the pipe at path open other than as
// file descriptor writer (a reader has it open), or not, as open says. The file written is then
// the reader's that opened it, and the next one the next reader's.
func awaitOpenHere(path, writer string, open bool, limit time.Duration, stopped <-chan struct{}) {
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); {
		if openHere(path, writer) == open {
			return
		}
		select {
		case <-stopped:
			return
		case <-time.After(time.Millisecond):
		}
	}
}

// openHere says whether this process has the file at path open, other than as file descriptor
// writer.
func openHere(path, writer string) bool {
	fds, _ := os.ReadDir("/proc/self/fd")
	for _, fd := range fds {
		if fd.Name() == writer {
			continue
		}
		if target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); err == nil && target == path {
			return true
		}
	}
	return false
}
