package jobs

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river/rivertype"
)

// River rescues a job that has been running longer than its rescue interval, taking its worker for
// dead, and it cancels a job's context at its timeout. An import can run for hours at the
// platform's rate, so a worker keeps its job alive instead: every rescue interval/heartbeats it
// moves the job's attempted_at (the time River's rescuer measures from) to now, and runs the
// import on a context River's timeout does not cancel. A worker that dies stops beating, and
// River's rescuer hands its job to another worker one rescue interval later; the organization's
// lock went with the dead worker's connection, and the journal makes the next attempt
// exactly-once. The same statement reads whether someone asked to cancel the job, which then
// stops the run as an interrupt does.
//
// River's API has no call for this (JobUpdate sets only a job's output), so the heartbeat writes
// that one column of River's table itself, with the database's clock as River's fetch does. What
// it relies on is the rescuer's test, a running job attempted before now - RescueStuckJobsAfter
// (River 0.51); the e2e tests watch it, and an upgrade of River must keep them passing.
const heartbeats = 4

// stopCause says what stopped a worker's run early.
type stopCause int

const (
	notStopped      stopCause = iota
	workerStops               // SIGTERM: the job goes back to the queue
	cancelRequested           // jobs cancel: the job ends cancelled
	jobLost                   // the job is no longer this worker's (rescued while the database was out of reach)
)

// watch stops a job's run for the first of its reasons, beating its heart meanwhile.
type watch struct {
	stop    chan struct{} // closed once, for the first reason
	mu      sync.Mutex
	reason  stopCause
	done    chan struct{}
	stopped sync.Once
}

// watch starts the heartbeat of the running job row; the run it watches ends with end.
func (q *Queue) watch(row *rivertype.JobRow, cfg WorkerConfig) *watch {
	w := &watch{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		tick := time.NewTicker(cfg.RescueAfter / heartbeats)
		defer tick.Stop()
		workerStop := cfg.Stop
		for {
			select {
			case <-w.done:
				return
			case <-workerStop:
				w.halt(workerStops)
				workerStop = nil // the rows in flight finish: the job is still this worker's till then
			case <-tick.C:
				w.beat(q, row, cfg.Log)
			}
		}
	}()
	return w
}

func (w *watch) beat(q *Queue, row *rivertype.JobRow, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var cancelled bool
	err := q.db.Pool().QueryRow(ctx, `UPDATE `+q.riverJob()+` SET attempted_at = now()
		WHERE id = $1 AND attempt = $2 AND state = 'running' RETURNING metadata->'cancel_attempted_at' IS NOT NULL`,
		row.ID, row.Attempt).Scan(&cancelled)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		w.halt(jobLost)
	case err != nil:
		// One missed beat is no loss; the rescue interval allows for several.
		log.Warn("could not record that the job is alive", "job", row.ID, "error", err)
	case cancelled:
		w.halt(cancelRequested)
	}
}

func (w *watch) halt(reason stopCause) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.reason == notStopped {
		w.reason = reason
		close(w.stop)
	}
}

// cause is what stopped the run, notStopped if nothing did.
func (w *watch) cause() stopCause {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.reason
}

// end stops the heartbeat: the run is over.
func (w *watch) end() { w.stopped.Do(func() { close(w.done) }) }
