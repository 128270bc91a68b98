package importer_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgsim"
)

// The reports are buffered, but a slow import still shows each row as it finishes: here the
// second row's createShop waits at the platform until the first row has reached the reader of the
// report, through a pipe as on a terminal or a `| tee`. A row held in the buffer until the run's end
// would keep the platform waiting, and the test fails after 10 s.
func TestEveryFormatShowsARowWhileTheNextWaitsAtThePlatform(t *testing.T) {
	for _, format := range importer.Formats {
		t.Run(format, func(t *testing.T) {
			h := newHarness(t, orgsim.Config{}, 1000, 10)
			shown, over := make(chan struct{}), make(chan struct{})
			next := h.sim.Handler()
			h.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.Contains(peekBody(r), "Second Store") {
					select {
					case <-shown:
					case <-over: // the test failed: let the run end
					}
				}
				next.ServeHTTP(w, r)
			}), 1000, 10)
			t.Cleanup(func() { close(over) }) // before the server's, which waits for its handlers
			pr, pw, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer pr.Close()
			out := &watched{want: []byte("first-01"), seen: shown}
			read := make(chan error, 1)
			go func() { _, err := io.Copy(out, pr); read <- err }()

			report, err := importer.NewReporter(pw, format, testOrg, false)
			if err != nil {
				t.Fatal(err)
			}
			job, _ := h.job(header+row("first-01", "First Store")+row("second-01", "Second Store"), false)
			job.Report = report
			plan, err := importer.Scan(job.Path, importer.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			ran := make(chan error, 1)
			go func() { _, err := importer.Run(context.Background(), job, plan); ran <- err }()

			select {
			case <-shown:
			case <-time.After(10 * time.Second):
				t.Fatal("the first row was not in the report 10 s after it was created, while the second waited at the platform")
			}
			if err := <-ran; err != nil {
				t.Fatal(err)
			}
			pw.Close()
			if err := <-read; err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(out.bytes(), []byte("second-01")) {
				t.Errorf("the report lacks the second row:\n%s", out.bytes())
			}
		})
	}
}

// watched keeps what is written to it and closes seen once want is among it.
type watched struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want []byte
	seen chan struct{}
	once sync.Once
}

func (w *watched) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if bytes.Contains(w.buf.Bytes(), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return len(p), nil
}

func (w *watched) bytes() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Bytes()
}

// ending records the report as it stood when the progress printed its last line.
type ending struct {
	out    *watched
	report []byte
}

func (e *ending) Begin(importer.Outlook)  {}
func (e *ending) Row(importer.Result)     {}
func (e *ending) End(s *importer.Summary) { e.report = bytes.Clone(e.out.bytes()) }

// The progress's last line ("finished in ...") comes after every row of the report, as it did
// when each row was written at once: a terminal or a log taking both streams shows them in order.
func TestTheReportsRowsAreOutBeforeTheProgressEnds(t *testing.T) {
	for _, format := range importer.Formats {
		t.Run(format, func(t *testing.T) {
			h := newHarness(t, orgsim.Config{}, 1000, 10)
			out := &watched{seen: make(chan struct{})}
			report, err := importer.NewReporter(out, format, testOrg, true)
			if err != nil {
				t.Fatal(err)
			}
			job, _ := h.job(header+row("first-01", "First Store")+row("last-01", "Last Store"), true)
			job.Report, job.Platform = report, nil
			progress := &ending{out: out}
			job.Progress = progress
			plan, err := importer.Scan(job.Path, importer.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := importer.Run(context.Background(), job, plan); err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(progress.report, []byte("last-01")) {
				t.Errorf("when the progress ended, the report had only:\n%s", progress.report)
			}
		})
	}
}

// A report that can no longer be written (its reader gone, the disk full) stops the run although
// its rows are buffered: the failure of the flush is returned with a later row.
func TestAReportThatCannotBeWrittenStopsTheRun(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	pr.Close()
	defer pw.Close()
	report, err := importer.NewReporter(pw, "table", testOrg, true)
	if err != nil {
		t.Fatal(err)
	}
	var rows strings.Builder
	for i := range 5000 { // more than the report's buffer holds
		rows.WriteString(row(fmt.Sprintf("store-%04d", i), "Store"))
	}
	job, _ := h.job(header+rows.String(), true)
	job.Report, job.Platform = report, nil
	plan, err := importer.Scan(job.Path, importer.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	summary, err := importer.Run(context.Background(), job, plan)
	if err == nil || !strings.Contains(summary.StopReason, "writing the report failed") {
		t.Fatalf("the run ended with %v and stop reason %q, want it stopped for the report", err, summary.StopReason)
	}
	if summary.Rows >= 5000 {
		t.Errorf("%s: want the run stopped at the failure, before the last row", summary.Line())
	}
}
