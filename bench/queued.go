package bench

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// jobPoll is how often section 8 asks jobs --format json whether the job has finished.
const jobPoll = 250 * time.Millisecond

// JobsRun is section 8: one queued import run by several worker processes, against import of the
// same file in one process, and the worker's memory by the size of its job.
type JobsRun struct {
	Rows        int
	Bytes       int64
	Workers     int
	Rate        float64
	Burst       int
	Concurrency int
	Job         time.Duration // from the start of import --enqueue to the job's finished_at
	WorkerRSS   []int64       // each worker's peak, KiB; -1 when unknown
	Created     int           // the job's counts
	Shops       int           // the organization's live shops on the simulator
	Duplicates  int           // live shops beyond one per store
	Missing     int           // rows with no store linked to a live shop
	Requests    int           // in the simulator's log
	MaxWindow   int           // most requests at the simulator within any one second
	Import      ChildRun      // storeimport import of the same file, one process, the same flags
	Memory      []JobMemory
}

// JobMemory is one job run alone by one worker process.
type JobMemory struct {
	Rows      int
	Bytes     int64
	Job       time.Duration
	WorkerRSS int64 // KiB; -1 when unknown
}

// PeakWorkerRSS is the largest of the workers' peaks.
func (j JobsRun) PeakWorkerRSS() int64 { return slices.Max(append([]int64{-1}, j.WorkerRSS...)) }

// AllowedWindow is the most requests the workers' one token bucket lets through in one second.
func (j JobsRun) AllowedWindow() int { return int(j.Rate) + j.Burst }

// Ratio is the queued job's time ÷ import's.
func (j JobsRun) Ratio() float64 { return j.Job.Seconds() / j.Import.Wall.Seconds() }

// ExactlyOnce says that every row made one shop, and no more.
func (j JobsRun) ExactlyOnce() bool {
	return j.Duplicates == 0 && j.Missing == 0 && j.Created == j.Rows && j.Shops == j.Rows
}

// KiBPerThousandRows is how much more the worker's peak RSS was per 1,000 more rows, from the
// smallest job to the largest; false when there are not two sizes with known peaks.
func KiBPerThousandRows(runs []JobMemory) (float64, JobMemory, JobMemory, bool) {
	if len(runs) < 2 {
		return 0, JobMemory{}, JobMemory{}, false
	}
	byRows := func(a, b JobMemory) int { return a.Rows - b.Rows }
	lo, hi := slices.MinFunc(runs, byRows), slices.MaxFunc(runs, byRows)
	if hi.Rows == lo.Rows || lo.WorkerRSS < 0 || hi.WorkerRSS < 0 {
		return 0, lo, hi, false
	}
	return float64(hi.WorkerRSS-lo.WorkerRSS) / (float64(hi.Rows-lo.Rows) / 1000), lo, hi, true
}

// writeJobs is the table's section 8: queued imports.
func writeJobs(b *strings.Builder, j JobsRun) {
	fmt.Fprintf(b, "\n8. Queued imports: import --enqueue of %s valid rows (%.1f MiB) into a fresh PostgreSQL database, run by %d\n",
		thousands(j.Rows), float64(j.Bytes)/(1<<20), j.Workers)
	fmt.Fprintf(b, "   storeimport worker processes (--rate %g --burst %d --concurrency %d) against the simulator on loopback\n",
		j.Rate, j.Burst, j.Concurrency)
	fmt.Fprintf(b, "   (no limit, no latency); job s = from the start of import --enqueue to the job's finished_at (jobs --format\n")
	fmt.Fprintf(b, "   json, polled every %v); import s = storeimport import of the same file in one process, the same flags, a\n", jobPoll)
	fmt.Fprintf(b, "   fresh database and simulator; ratio = job s / import s; worker peak RSS (VmHWM) is the largest of the\n")
	fmt.Fprintf(b, "   workers'; duplicates = live shops beyond one per store, missing = rows without a store linked to a live shop\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "rows\tjob s\trows/s\tworker peak RSS\timport s\timport peak RSS\tratio\trequests\tmax in 1 s\tcreated\tshops\tduplicates\tmissing\t")
	fmt.Fprintf(tw, "%s\t%.2f\t%s\t%s\t%.2f\t%s\t%.2f\t%s\t%s of %s\t%s\t%s\t%d\t%d\t\n", thousands(j.Rows), j.Job.Seconds(),
		thousands(int(float64(j.Rows)/j.Job.Seconds())), mib(j.PeakWorkerRSS()), j.Import.Wall.Seconds(), mib(j.Import.PeakRSS),
		j.Ratio(), thousands(j.Requests), thousands(j.MaxWindow), thousands(j.AllowedWindow()), thousands(j.Created), thousands(j.Shops),
		j.Duplicates, j.Missing)
	tw.Flush()
	fmt.Fprintf(b, "   goals: every row exactly once, 0 duplicates, 0 missing %s; within the one limit, at most rate + burst\n",
		mark(j.ExactlyOnce()))
	fmt.Fprintf(b, "   requests at the simulator in any 1 s %s\n", mark(j.MaxWindow <= j.AllowedWindow()))
	if len(j.Memory) == 0 {
		return
	}
	fmt.Fprintf(b, "\n   the worker's memory by the job's rows: one worker process (the same flags) and job at a time, a fresh\n")
	fmt.Fprintf(b, "   database and simulator for each; growth = the peak's rise per 1,000 rows of the job\n")
	tw = tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "rows\tfile\tjob s\trows/s\tworker peak RSS\t")
	for _, m := range j.Memory {
		fmt.Fprintf(tw, "%s\t%.1f MiB\t%.2f\t%s\t%s\t\n", thousands(m.Rows), float64(m.Bytes)/(1<<20), m.Job.Seconds(),
			thousands(int(float64(m.Rows)/m.Job.Seconds())), mib(m.WorkerRSS))
	}
	tw.Flush()
	if growth, lo, hi, ok := KiBPerThousandRows(j.Memory); ok {
		fmt.Fprintf(b, "   growth: %s KiB of worker peak RSS per 1,000 rows, from %s to %s rows (no goal: the issue states none)\n",
			thousands(int(math.Round(growth))), thousands(lo.Rows), thousands(hi.Rows))
	}
}

// mib writes a peak RSS in KiB as MiB, or "unknown".
func mib(kib int64) string {
	if kib < 0 {
		return "unknown"
	}
	return fmt.Sprintf("%.1f MiB", float64(kib)/1024)
}
