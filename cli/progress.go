package cli

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgclient"
)

// plainInterval is how often a run whose stderr is not a terminal (a log file, CI) prints a
// progress line instead of drawing a bar.
const plainInterval = 10 * time.Second

// progress shows a run on stderr: what it is about to do, how it goes, and how it went.
type progress struct {
	w        io.Writer
	rate     float64
	stats    *orgclient.Stats // nil when the platform is not used
	interval time.Duration    // 0 draws a bar (a terminal); else plain lines this often
	print    *message.Printer
	jsonLog  *slog.Logger // when the logs are JSON: the lines go through it, as records

	mu     sync.Mutex
	start  time.Time
	total  int
	counts map[importer.Status]int
	done   int
	bar    *progressbar.ProgressBar
	stop   chan struct{}
	ticker sync.WaitGroup
}

// newProgress shows the run on w. With jsonLog, the logs are JSON, so that stderr is read by a
// program: each line is a log record instead, and there is no bar, even on a terminal.
func newProgress(w io.Writer, rate float64, stats *orgclient.Stats, jsonLog *slog.Logger) *progress {
	p := &progress{w: w, rate: rate, stats: stats, interval: plainInterval, print: message.NewPrinter(language.English), jsonLog: jsonLog}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) && jsonLog == nil {
		p.interval = 0
	}
	return p
}

// line writes one line of the run's progress, event saying which kind, to a JSON log as a record.
func (p *progress) line(event, text string) {
	if p.jsonLog != nil {
		p.jsonLog.Info(text, "progress", event)
		return
	}
	fmt.Fprintln(p.w, text)
}

// Begin prints the one line that says what the run will do, before its first mutation.
func (p *progress) Begin(o importer.Outlook) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.start, p.total, p.counts = time.Now(), o.Rows, map[importer.Status]int{}
	switch {
	case !o.Counted:
		p.line("outlook", p.print.Sprintf("checking %d rows", o.Rows))
	case o.DryRun:
		p.line("outlook", p.print.Sprintf("checking %d rows: %d valid, %d already imported, %d invalid", o.Rows, o.Create+o.Skip, o.Skip, o.Invalid))
	default:
		unfinished := ""
		if o.Unfinished > 0 {
			unfinished = p.print.Sprintf(", %d left unfinished by an earlier run (settled first)", o.Unfinished)
		}
		eta := time.Duration(float64(o.Requests) / p.rate * float64(time.Second))
		p.line("outlook", p.print.Sprintf("%d to create, %d already imported, %d invalid%s; about %d requests, ~%s at %g req/s",
			o.Create, o.Skip, o.Invalid, unfinished, o.Requests, roughly(eta), p.rate))
	}
	if p.interval == 0 {
		p.bar = progressbar.NewOptions(o.Rows, progressbar.OptionSetWriter(p.w), progressbar.OptionShowCount(),
			progressbar.OptionShowIts(), progressbar.OptionSetItsString("rows"), progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionClearOnFinish())
		return
	}
	p.stop = make(chan struct{})
	p.ticker.Go(p.tick)
}

// Row counts a finished row.
func (p *progress) Row(r importer.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.counts[r.Status]++
	if p.bar != nil {
		p.bar.Describe(p.tally())
		p.bar.Add(1)
	}
}

// End prints how the run went: time, pace, and what it cost the platform.
func (p *progress) End(s *importer.Summary) {
	if p.stop != nil {
		close(p.stop)
		p.ticker.Wait()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Finish()
	}
	elapsed := time.Since(p.start)
	line := p.print.Sprintf("finished in %s: %d rows (%s), %.1f rows/s", elapsed.Round(time.Millisecond), p.done, p.statuses(s), float64(p.done)/elapsed.Seconds())
	if p.stats != nil {
		line += p.print.Sprintf("; %d platform requests, %d retries, %d rate limited (429)",
			p.stats.Requests.Load(), p.stats.Retries.Load(), p.stats.RateLimited.Load())
	}
	p.line("finished", line)
}

func (p *progress) tick() {
	t := time.NewTicker(p.interval)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			p.line("progress", p.plainLine())
			p.mu.Unlock()
		}
	}
}

// plainLine is the bar's content as text, with no control characters for logs and CI.
func (p *progress) plainLine() string {
	elapsed := time.Since(p.start)
	perSecond := float64(p.done) / elapsed.Seconds()
	line := p.print.Sprintf("progress: %d/%d rows (%d%%): %s; %.1f rows/s", p.done, p.total, percent(p.done, p.total), p.tally(), perSecond)
	if perSecond > 0 && p.done < p.total {
		line += ", about " + roughly(time.Duration(float64(p.total-p.done)/perSecond*float64(time.Second))) + " left"
	}
	return line
}

func (p *progress) tally() string {
	return p.print.Sprintf("%d created, %d skipped, %d invalid, %d failed",
		p.counts[importer.StatusCreated]+p.counts[importer.StatusWouldCreate],
		p.counts[importer.StatusSkipped]+p.counts[importer.StatusWouldSkip],
		p.counts[importer.StatusInvalid],
		p.counts[importer.StatusFailed]+p.counts[importer.StatusNeedsAttention])
}

// statuses counts the rows by final status, as the report's summary does.
func (p *progress) statuses(s *importer.Summary) string {
	var parts []string
	for _, status := range importer.Statuses {
		if n := s.Count(status); n > 0 {
			parts = append(parts, p.print.Sprintf("%d %s", n, status))
		}
	}
	return strings.Join(parts, ", ")
}

func percent(part, whole int) int {
	if whole == 0 {
		return 100
	}
	return part * 100 / whole
}

// roughly rounds an estimate to what a person plans with: seconds, then minutes.
func roughly(d time.Duration) string {
	switch {
	case d < time.Minute:
		return d.Round(time.Second).String()
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Round(time.Minute).Minutes()))
	}
	return d.Round(time.Minute).String()
}

// bothProgress tells two progresses of the run: a worker's on stderr, and the one it records for
// `jobs` and the support page.
type bothProgress [2]importer.Progress

func (b bothProgress) Begin(o importer.Outlook) {
	for _, p := range b {
		p.Begin(o)
	}
}

func (b bothProgress) Row(r importer.Result) {
	for _, p := range b {
		p.Row(r)
	}
}

func (b bothProgress) End(s *importer.Summary) {
	for _, p := range b {
		p.End(s)
	}
}
