package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
)

// FingerprintKey is this database's key for naming platform tokens in the journal (see
// orgclient.Client.TokenFingerprint), made at random on first use.
func (d *DB) FingerprintKey(ctx context.Context) ([]byte, error) {
	var key []byte
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO fingerprint_key (id, key) VALUES (1, ?) ON CONFLICT (id) DO NOTHING`,
			rand.Text()); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT key FROM fingerprint_key WHERE id = 1`).Scan(&key)
	})
	if err != nil {
		return nil, fmt.Errorf("reading the database's token fingerprint key: %w", err)
	}
	return key, nil
}
