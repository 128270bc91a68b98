// Package sharedlimit is one rate limit kept in PostgreSQL and shared by every process that sends
// with one platform token: the platform limits the token, not the host, so workers on several
// hosts must draw on one bucket together.
//
// The bucket is GCRA (the generic cell rate algorithm): one row holds the theoretical arrival
// time (tat) of the next request, which each request moves on by one interval in a single
// atomic UPDATE, reserving its turn. The database's clock is the only clock read, so hosts whose
// clocks disagree still share one schedule; each process then sleeps, by its own clock, only the
// length of its wait. Over any window of t seconds at most perSecond·t + burst requests are let
// through.
package sharedlimit

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Bucket is the shared limit of one name (a token's fingerprint). Its Wait satisfies
// orgclient.Limiter.
type Bucket struct {
	pool      *pgxpool.Pool
	name      string
	interval  float64 // seconds between requests at the steady rate
	tolerance float64 // how far ahead of the schedule a burst may go, in seconds
}

// New is the bucket of name in the database of pool (its rate_buckets table), at perSecond
// requests a second with a burst of burst, unless the bucket has settings of its own already
// (see Claim).
func New(pool *pgxpool.Pool, name string, perSecond float64, burst int) *Bucket {
	interval := 1 / perSecond
	return &Bucket{pool: pool, name: name, interval: interval, tolerance: float64(max(burst, 1)-1) * interval}
}

// reserve moves the schedule on by one interval from whichever is later, the schedule or now,
// and returns how long the request must wait for its turn (0 or less: go now). Now is read once
// the row is this statement's (in SET and RETURNING, not before the INSERT looks for it): a
// request that waited for another's lock is timed from when it got the row, not from when it
// asked, which would schedule it in the past.
// The interval and tolerance are the bucket's own (see Claim), this process's only for a bucket
// that has none yet.
const reserve = `
	INSERT INTO rate_buckets AS b (name, tat, interval_s, tolerance_s) VALUES ($1, clock_timestamp() + make_interval(secs => $2), $2, $3)
	ON CONFLICT (name) DO UPDATE SET tat = greatest(b.tat, clock_timestamp()) + make_interval(secs => coalesce(b.interval_s, $2))
	RETURNING extract(epoch FROM b.tat - clock_timestamp()) - coalesce(b.interval_s, $2) - coalesce(b.tolerance_s, $3)`

// Wait reserves the next turn and sleeps until it comes, or until ctx ends; a turn given up to
// ctx is not handed back, which can only make the rate lower.
func (b *Bucket) Wait(ctx context.Context) error {
	var wait float64
	if err := b.pool.QueryRow(ctx, reserve, b.name, b.interval, b.tolerance).Scan(&wait); err != nil {
		return fmt.Errorf("taking a turn of the rate limit shared in the database: %w", err)
	}
	if wait <= 0 {
		return nil
	}
	select {
	case <-time.After(time.Duration(wait * float64(time.Second))):
	case <-ctx.Done():
	}
	return ctx.Err()
}

// Pause lets no turn be taken for d from now, by the database's clock: the platform's
// Retry-After after a 429 holds every process that shares the bucket, not only the one that got
// it. A turn is let through once the schedule less the burst's tolerance is due, so the schedule
// is pushed past now + d by the tolerance; a schedule already later is kept.
func (b *Bucket) Pause(ctx context.Context, d time.Duration) error {
	_, err := b.pool.Exec(ctx, `
		INSERT INTO rate_buckets AS b (name, tat, interval_s, tolerance_s)
		VALUES ($1, clock_timestamp() + make_interval(secs => $2::float8 + $4::float8), $3, $4)
		ON CONFLICT (name) DO UPDATE SET tat = greatest(b.tat, clock_timestamp() + make_interval(secs => $2::float8 + coalesce(b.tolerance_s, $4)))`,
		b.name, d.Seconds(), b.interval, b.tolerance)
	if err != nil {
		return fmt.Errorf("pausing the rate limit shared in the database: %w", err)
	}
	return nil
}
