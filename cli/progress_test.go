package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgclient"
)

// syncBuffer lets the progress ticker write while the test reads.
type syncBuffer struct {
	mu  chan struct{}
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu <- struct{}{}
	defer func() { <-b.mu }()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu <- struct{}{}
	defer func() { <-b.mu }()
	return b.buf.String()
}

func TestProgressIsPlainLinesWhenNotATerminal(t *testing.T) {
	out := &syncBuffer{mu: make(chan struct{}, 1)}
	stats := &orgclient.Stats{}
	p := newProgress(out, 5, stats, nil)
	if p.interval == 0 {
		t.Fatal("a buffer was taken for a terminal")
	}
	p.interval = 5 * time.Millisecond
	p.Begin(importer.Outlook{Rows: 2000, Counted: true, Create: 1842, Skip: 155, Invalid: 3, Requests: 3684})
	for i := range 40 {
		status := importer.StatusCreated
		if i%10 == 0 {
			status = importer.StatusSkipped
		}
		p.Row(importer.Result{Line: i + 2, Status: status})
		time.Sleep(time.Millisecond)
	}
	stats.Requests.Add(72)
	stats.Retries.Add(2)
	p.End(&importer.Summary{Counts: map[importer.Status]int{importer.StatusCreated: 36, importer.StatusSkipped: 4}})

	got := out.String()
	for _, want := range []string{
		"1,842 to create, 155 already imported, 3 invalid; about 3,684 requests, ~12 min at 5 req/s\n",
		"progress: ",
		"/2,000 rows (",
		" created, ",
		"(36 created, 4 skipped), ",
		"; 72 platform requests, 2 retries, 0 rate limited (429)\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("progress output lacks %q:\n%s", want, got)
		}
	}
	if strings.ContainsAny(got, "\r\x1b") {
		t.Errorf("plain progress holds control characters: %q", got)
	}
}

func TestOutlookNamesWhatAnEarlierRunLeftUnfinished(t *testing.T) {
	out := &syncBuffer{mu: make(chan struct{}, 1)}
	p := newProgress(out, 5, &orgclient.Stats{}, nil)
	p.Begin(importer.Outlook{Rows: 10, Counted: true, Create: 6, Skip: 1, Invalid: 1, Unfinished: 2, Requests: 14})
	p.End(&importer.Summary{Counts: map[importer.Status]int{}})
	want := "6 to create, 1 already imported, 1 invalid, 2 left unfinished by an earlier run (settled first); about 14 requests, ~3s at 5 req/s\n"
	if got := out.String(); !strings.HasPrefix(got, want) {
		t.Errorf("got %q, want it to start with %q", got, want)
	}
}
