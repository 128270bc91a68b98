package postgres

import (
	"context"
	"crypto/rand"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// FingerprintKey is this database's key for naming platform tokens in the journal (see
// orgclient.Client.TokenFingerprint), made at random on first use. Runs that make it at once
// agree on the first one committed: the others' inserts wait for it, then do nothing.
func (d *DB) FingerprintKey(ctx context.Context) ([]byte, error) {
	fresh := make([]byte, 32)
	rand.Read(fresh) // never fails: see crypto/rand.Read
	var key []byte
	err := d.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO fingerprint_key (id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`,
			fresh); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT key FROM fingerprint_key WHERE id = 1`).Scan(&key)
	})
	if err != nil {
		return nil, fmt.Errorf("reading the database's token fingerprint key: %w", err)
	}
	return key, nil
}
