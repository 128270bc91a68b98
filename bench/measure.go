package bench

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"
)

// Pace is what a request log says about the rate a client kept.
type Pace struct {
	Requests  int
	Span      time.Duration // first arrival to last
	PerSecond float64       // requests beyond the initial burst, per second of the span
	MaxWindow int           // most arrivals within any one second
}

// PaceOf measures arrivals (in any order) against a token bucket of burst: a client may send
// burst requests at once and then one per 1/limit, so (n - burst) / span is the rate it kept
// after the bucket's initial credit. It never flatters: a client that did not spend the burst at
// once is counted as if it had.
func PaceOf(arrivals []time.Time, burst int) Pace {
	t := slices.Clone(arrivals)
	slices.SortFunc(t, func(a, b time.Time) int { return a.Compare(b) })
	p := Pace{Requests: len(t)}
	if len(t) < 2 {
		return p
	}
	p.Span = t[len(t)-1].Sub(t[0])
	if p.Span > 0 {
		p.PerSecond = float64(max(len(t)-burst, 0)) / p.Span.Seconds()
	}
	j := 0
	for i := range t {
		for j < len(t) && t[j].Sub(t[i]) < time.Second {
			j++
		}
		p.MaxWindow = max(p.MaxWindow, j-i)
	}
	return p
}

// TimingTransport measures the time during which at least one request is in its HTTP round trip,
// from being handed to the network until its response body is read to the end or closed: the
// platform's share of a run, which the rest of the wall time is not. With one worker that is the
// round trips' time added up; with several, round trips overlap, and adding them up would count
// the same second once per worker (more than the wall time, at eight workers on two CPUs), so the
// spans in which any is under way are joined instead.
type TimingTransport struct {
	Next http.RoundTripper

	mu       sync.Mutex
	inFlight int
	since    time.Time     // when inFlight last rose from 0
	busy     time.Duration // the spans that have ended
}

// RoundTrip times one request.
func (t *TimingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.begin()
	resp, err := t.Next.RoundTrip(req)
	if err != nil {
		t.end()
		return nil, err
	}
	resp.Body = &timedBody{ReadCloser: resp.Body, done: t.end}
	return resp, nil
}

func (t *TimingTransport) begin() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.inFlight == 0 {
		t.since = time.Now()
	}
	t.inFlight++
}

func (t *TimingTransport) end() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.inFlight--; t.inFlight == 0 {
		t.busy += time.Since(t.since)
	}
}

// Busy is the time so far during which at least one round trip was under way. A span still open
// is not counted yet, so ask between runs, when none is.
func (t *TimingTransport) Busy() time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.busy
}

// timedBody ends the round trip's clock at the body's end or close, whichever comes first.
type timedBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (b *timedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.once.Do(b.done)
	}
	return n, err
}

func (b *timedBody) Close() error {
	b.once.Do(b.done)
	return b.ReadCloser.Close()
}

// ChildRun is one run of a command as a child process.
type ChildRun struct {
	Wall      time.Duration
	PeakRSS   int64 // KiB; -1 when unknown
	ExitCode  int
	Stderr    string
	Truncated bool // the stderr kept is the last 64 KiB only
}

// RunChild runs bin with args in dir, stdout to /dev/null, and measures its wall time and peak
// RSS. The platform settings of the environment are removed, so that the child can reach no
// endpoint and open no database it was not told to.
func RunChild(dir, bin string, args ...string) (ChildRun, error) {
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return ChildRun{}, err
	}
	defer devnull.Close()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdout = devnull
	stderr := &tailBuffer{limit: 64 << 10}
	cmd.Stderr = stderr
	cmd.Env = childEnv()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return ChildRun{}, fmt.Errorf("running %s: %w", bin, err)
	}
	exited := make(chan struct{})
	peak := watchPeakRSS(cmd.Process.Pid, bin, exited)
	err = cmd.Wait()
	close(exited)
	run := ChildRun{Wall: time.Since(start), Stderr: stderr.buf.String(), Truncated: stderr.dropped, PeakRSS: <-peak}
	if cmd.ProcessState == nil {
		return run, fmt.Errorf("running %s: %w", bin, err)
	}
	run.ExitCode = cmd.ProcessState.ExitCode()
	return run, nil
}

// childEnv is the environment less its platform and database settings.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ORG_PLATFORM_") && !strings.HasPrefix(kv, "STOREIMPORT_") {
			env = append(env, kv)
		}
	}
	return env
}

// tailBuffer keeps the last limit bytes written to it.
type tailBuffer struct {
	buf     bytes.Buffer
	limit   int
	dropped bool
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.buf.Write(p)
	if over := t.buf.Len() - t.limit; over > 0 {
		t.buf.Next(over)
		t.dropped = true
	}
	return len(p), nil
}
