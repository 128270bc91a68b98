package jobs

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/acme/storeimport/importer"
)

// progressEvery is how often a worker writes a run's progress down.
const progressEvery = time.Second

// progressRecorder is the importer.Progress of a worker's run: it writes rows done, of the
// file's rows, and their counts so far to the job's row, at most every progressEvery.
type progressRecorder struct {
	q        *Queue
	importID int64
	attempt  int // the attempt whose progress this is: another's is not overwritten
	log      *slog.Logger

	mu      sync.Mutex
	total   int
	done    int
	counts  map[importer.Status]int
	written time.Time
}

func (p *progressRecorder) Begin(o importer.Outlook) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.total, p.done, p.counts = o.Rows, 0, map[importer.Status]int{}
	p.write()
}

func (p *progressRecorder) Row(res importer.Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	p.counts[res.Status]++
	if time.Since(p.written) >= progressEvery {
		p.write()
	}
}

func (p *progressRecorder) End(*importer.Summary) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.write()
}

// write records the progress; a failure only makes it older, so it is logged, not fatal.
func (p *progressRecorder) write() {
	p.written = time.Now()
	counts, _ := json.Marshal(p.counts)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := p.q.db.Pool().Exec(ctx, `UPDATE import_jobs SET rows_total = $3, rows_done = $4, counts = $5, progress_at = clock_timestamp()
		WHERE id = $1 AND attempt = $2`, p.importID, p.attempt, p.total, p.done, counts)
	if err != nil {
		p.log.Warn("could not record the job's progress", "error", err)
	}
}
