package bench

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/acme/storeimport/internal/pagetest"
)

// Page: 6. section 2's 100,000 rows uploaded through the support page of the built storeimport
// serve, a child process, timed until the result page with its summary, against validate of the
// same file in the same run; the server's peak RSS. The goal: at most 2 times validate's
// time, under 128 MiB.
func BenchmarkPage(b *testing.B) {
	const rows = 100_000
	bin := buildStoreimport(b)
	dir := b.TempDir()
	path, invalid := writeStores(b, dir, rows)
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	run := PageRun{Rows: rows, Invalid: invalid, Bytes: int64(len(data))}
	for b.Loop() {
		if run.Validate, err = RunChild(dir, bin, "validate", "--org", benchOrg, "--format", "csv", path); err != nil {
			b.Fatal(err)
		}
		if want := fmt.Sprintf("%s invalid", thousands(invalid)); run.Validate.ExitCode != 1 || !strings.Contains(run.Validate.Stderr, want) {
			b.Fatalf("validate exited %d, want 1 and %q on stderr:\n%s", run.Validate.ExitCode, want, run.Validate.Stderr)
		}
		run.Page, run.ServerRSS = checkThroughPage(b, dir, bin, data, invalid)
	}
	b.ReportMetric(run.Ratio(), "ratio-to-validate")
	b.ReportMetric(float64(run.ServerRSS)/1024, "server-peak-RSS-MiB")
	record(func(r *Results) { r.Pages = append(r.Pages, run) })
}

// checkThroughPage starts storeimport serve in dir, uploads data through its page as a browser
// does, and stops it with SIGTERM: the time from the upload to the result page, and the server's
// peak RSS in KiB.
func checkThroughPage(b *testing.B, dir, bin string, data []byte, invalid int) (time.Duration, int64) {
	b.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", dir+"/none.db")
	cmd.Dir = dir
	cmd.Env = childEnv()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	stderr := &tailBuffer{limit: 64 << 10}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	stopped := make(chan struct{})
	peak := watchPeakRSS(cmd.Process.Pid, bin, stopped)
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	url := regexp.MustCompile(`http://[^ ]+/`).FindString(line)
	if err != nil || url == "" {
		b.Fatalf("serve printed no URL (%v): %q\n%s", err, line, stderr.buf.String())
	}
	browser := pagetest.NewBrowser(b, strings.TrimSuffix(url, "/"))
	csrf := browser.CSRF()
	start := time.Now()
	resp, doc := browser.Upload(csrf, benchOrg, "stores.csv", data)
	took := time.Since(start)
	if got := pagetest.TextOf(doc, "count-invalid"); resp.StatusCode != 200 || got != fmt.Sprint(invalid) {
		b.Fatalf("the page: %s, #count-invalid %q, want %d", resp.Status, got, invalid)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		b.Fatal(err)
	}
	err = cmd.Wait()
	close(stopped)
	if err != nil {
		b.Fatalf("serve after SIGTERM: %v\n%s", err, stderr.buf.String())
	}
	return took, <-peak
}

func TestTableHasThePageSection(t *testing.T) {
	r := Results{Pages: []PageRun{{Rows: 100_000, Invalid: 199, Bytes: 15 << 20, Page: 2 * time.Second, ServerRSS: 140 << 10,
		Validate: ChildRun{Wall: 1500 * time.Millisecond}}}}
	table := r.Table()
	for _, want := range []string{"6. The support page", "100,000", "15.0 MiB", "2.00", "1.50", "1.33", "140.0 MiB",
		"goals: ratio <= 2 met; server peak RSS < 128 MiB MISSED"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
}
