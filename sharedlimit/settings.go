package sharedlimit

import (
	"context"
	"fmt"
)

// idleToResettle is how long no turn must have been taken before a bucket takes new settings:
// by then no process is sending with the old ones.
const idleToResettle = "1 minute"

// SettingsError refuses a process whose rate and burst are not those of the bucket it shares.
type SettingsError struct {
	Have, Want string // the bucket's settings and this process's, in the command line's words
}

func (e *SettingsError) Error() string {
	return fmt.Sprintf("the workers sharing this token's rate limit run with %s, which the first of them set in the database; "+
		"this one has %s: start every worker with the same --rate and --burst (the limit takes new ones once no worker "+
		"has sent a request for %s)", e.Have, e.Want, idleToResettle)
}

// Claim makes this bucket's rate and burst, which settings names in the command line's words,
// the shared limit's when it has none yet or no turn was taken for a while; otherwise they must
// be the limit's already, or it returns a *SettingsError naming both.
func (b *Bucket) Claim(ctx context.Context, settings string) error {
	var interval, tolerance float64
	var have string
	err := b.pool.QueryRow(ctx, `
		WITH claimed AS (
			INSERT INTO rate_buckets AS b (name, tat, interval_s, tolerance_s, settings) VALUES ($1, clock_timestamp(), $2, $3, $4)
			ON CONFLICT (name) DO UPDATE SET interval_s = $2, tolerance_s = $3, settings = $4
				WHERE b.settings IS NULL OR b.tat < clock_timestamp() - interval '`+idleToResettle+`'
			RETURNING interval_s, tolerance_s, settings)
		SELECT interval_s, tolerance_s, settings FROM claimed
		UNION ALL
		SELECT interval_s, tolerance_s, settings FROM rate_buckets WHERE name = $1 AND NOT EXISTS (SELECT 1 FROM claimed)`,
		b.name, b.interval, b.tolerance, settings).Scan(&interval, &tolerance, &have)
	if err != nil {
		return fmt.Errorf("setting up the rate limit shared in the database: %w", err)
	}
	if interval != b.interval || tolerance != b.tolerance {
		return &SettingsError{Have: have, Want: settings}
	}
	return nil
}
