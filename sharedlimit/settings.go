package sharedlimit

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// SettingsError refuses a process whose rate and burst are not those of the bucket it shares.
type SettingsError struct {
	Have, Want string // the bucket's settings and this process's, in the command line's words
}

func (e *SettingsError) Error() string {
	return fmt.Sprintf("the workers sharing this token's rate limit run with %s, which the first of them set in the database; "+
		"this one has %s: start every worker with the same --rate and --burst (new ones take effect once every worker "+
		"of the old ones has stopped)", e.Have, e.Want)
}

// Claim makes this bucket's rate and burst, which settings names in the command line's words, the
// shared limit's when no other process holds a claim on it; otherwise they must be the limit's
// already, or it returns a *SettingsError naming both. A claim is a shared advisory lock, held on
// a connection of its own until release: it goes with a process that dies.
func (b *Bucket) Claim(ctx context.Context, settings string) (release func(), err error) {
	conn, err := pgx.ConnectConfig(ctx, b.pool.Config().ConnConfig.Copy())
	if err != nil {
		return nil, fmt.Errorf("setting up the rate limit shared in the database: %w", err)
	}
	release = func() {
		// The server lets go of a closed connection's locks only once its backend has ended,
		// after Close returns: unlocked first, a claim is gone when release returns, and a worker
		// started right after with new settings is not refused by one that has stopped.
		stopping := context.WithoutCancel(ctx)
		conn.Exec(stopping, `SELECT pg_advisory_unlock_all()`)
		conn.Close(stopping)
	}
	if err := b.claim(ctx, conn, settings); err != nil {
		release()
		return nil, err
	}
	return release, nil
}

// claimKey is the advisory lock of the bucket's claims.
const claimKey = `hashtextextended('storeimport rate bucket ' || $1, 0)`

func (b *Bucket) claim(ctx context.Context, conn *pgx.Conn, settings string) error {
	var alone bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(`+claimKey+`)`, b.name).Scan(&alone); err != nil {
		return fmt.Errorf("setting up the rate limit shared in the database: %w", err)
	}
	if alone {
		_, err := conn.Exec(ctx, `
			INSERT INTO rate_buckets AS b (name, tat, interval_s, tolerance_s, settings) VALUES ($1, clock_timestamp(), $2, $3, $4)
			ON CONFLICT (name) DO UPDATE SET interval_s = $2, tolerance_s = $3, settings = $4`,
			b.name, b.interval, b.tolerance, settings)
		if err == nil {
			_, err = conn.Exec(ctx, `SELECT pg_advisory_lock_shared(`+claimKey+`), pg_advisory_unlock(`+claimKey+`)`, b.name)
		}
		if err != nil {
			return fmt.Errorf("setting up the rate limit shared in the database: %w", err)
		}
		return nil
	}
	var interval, tolerance float64
	var have string
	_, err := conn.Exec(ctx, `SELECT pg_advisory_lock_shared(`+claimKey+`)`, b.name)
	if err == nil {
		err = conn.QueryRow(ctx, `SELECT interval_s, tolerance_s, settings FROM rate_buckets WHERE name = $1`, b.name).Scan(&interval, &tolerance, &have)
	}
	if err != nil {
		return fmt.Errorf("setting up the rate limit shared in the database: %w", err)
	}
	if interval != b.interval || tolerance != b.tolerance {
		return &SettingsError{Have: have, Want: settings}
	}
	return nil
}
