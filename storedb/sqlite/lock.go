package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/storedb/internal/lease"
)

// A holder refreshes its lock every lockRefresh, counting each refresh. A lock of another host is
// taken to be abandoned once this host has seen its count stand still for lockStale, by this
// host's own clock; a lock of this host only once its process is gone, however long a live one
// pauses. A holder that could not refresh for lockUnsure takes its lock as lost, well before
// another host could judge it abandoned.
const lockStale = 60 * time.Second

// Variables only so that tests can watch a lock refresh in milliseconds.
var (
	lockRefresh = 5 * time.Second
	lockUnsure  = 30 * time.Second
)

// Holder is the run holding an organization's lock.
type Holder struct {
	PID       int
	Host      string
	Command   string
	Started   time.Time
	Refreshed time.Time // by the holder's clock: shown, never compared with this host's

	token string // random, so that only the holder refreshes or releases it
	seq   int64  // how many times the holder has refreshed it
}

// LockedError says that another run holds the organization's lock, who, and what to do.
type LockedError struct {
	OrganizationID string
	Holder         Holder
	// TakeoverAt is when, by this host's clock, the lock may be taken over if its holder has
	// stopped refreshing it; zero for a live holder on this host, whose lock is never taken.
	TakeoverAt time.Time
}

func (e *LockedError) Error() string {
	h := e.Holder
	msg := fmt.Sprintf("organization %s is locked by another run (%s, pid %d on host %s, started %s): wait for it to finish",
		e.OrganizationID, h.Command, h.PID, h.Host, h.Started.Local().Format(time.DateTime))
	if e.TakeoverAt.IsZero() {
		return msg + "; it is alive on this host, so its lock holds however long it pauses: resume it (fg) or end it first"
	}
	return msg + fmt.Sprintf("; if it has died, run again from %s: a lock of another host is taken over once this host has seen it go unrefreshed for 60 s",
		e.TakeoverAt.Local().Format(time.DateTime))
}

// Lock is an organization's lock, held by this process until Release.
type Lock struct {
	db     *DB
	org    string
	holder string
	stop   chan struct{}
	done   chan struct{}
	*lease.Loss
}

// Lock takes the organization's lock for a run that may send mutations, or fails at once with a
// *LockedError naming the holder. A lock whose holder is provably gone (this host, process dead)
// is taken over at once; one from another host only once this host has seen it go stale.
func (d *DB) Lock(ctx context.Context, organizationID, command string) (importer.Lock, error) {
	host, _ := os.Hostname()
	l := &Lock{db: d, org: organizationID, holder: rand.Text(), stop: make(chan struct{}), done: make(chan struct{}), Loss: lease.NewLoss()}
	var refused *LockedError
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		held, err := currentHolder(ctx, tx, organizationID)
		if err != nil {
			return err
		}
		now := time.Now().UTC()
		if held != nil {
			seen, err := sighting(ctx, tx, organizationID, host, held, now)
			if err != nil {
				return err
			}
			if refused = judge(organizationID, held, host, seen, now); refused != nil {
				return nil // the sighting is kept, for the next try to judge by
			}
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO organization_locks (platform_org_id, holder, pid, host, command, started_at, refreshed_at, refresh_seq)
			VALUES (?, ?, ?, ?, ?, ?, ?, 0)
			ON CONFLICT (platform_org_id) DO UPDATE SET holder = excluded.holder, pid = excluded.pid, host = excluded.host,
				command = excluded.command, started_at = excluded.started_at, refreshed_at = excluded.refreshed_at, refresh_seq = 0`,
			organizationID, l.holder, os.Getpid(), host, command, stamp(now), stamp(now))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("taking the lock of organization %s: %w", organizationID, err)
	}
	if refused != nil {
		return nil, refused
	}
	go l.refresh()
	return l, nil
}

func currentHolder(ctx context.Context, tx *sql.Tx, organizationID string) (*Holder, error) {
	var h Holder
	var started, refreshed string
	err := tx.QueryRowContext(ctx, `
		SELECT holder, refresh_seq, pid, host, command, started_at, refreshed_at FROM organization_locks WHERE platform_org_id = ?`,
		organizationID).Scan(&h.token, &h.seq, &h.PID, &h.Host, &h.Command, &started, &refreshed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	h.Started, _ = time.Parse(time.RFC3339Nano, started)
	h.Refreshed, _ = time.Parse(time.RFC3339Nano, refreshed)
	return &h, nil
}

// sighting returns when this host first saw the holder at its current refresh count, recording
// now as that moment when the count has moved since (or this host never looked).
func sighting(ctx context.Context, tx *sql.Tx, organizationID, host string, h *Holder, now time.Time) (time.Time, error) {
	var seen string
	err := tx.QueryRowContext(ctx, `
		SELECT seen_at FROM lock_sightings WHERE platform_org_id = ? AND seen_by = ? AND holder = ? AND refresh_seq = ?`,
		organizationID, host, h.token, h.seq).Scan(&seen)
	if err == nil {
		return time.Parse(time.RFC3339Nano, seen)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO lock_sightings (platform_org_id, seen_by, holder, refresh_seq, seen_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (platform_org_id, seen_by) DO UPDATE
		SET holder = excluded.holder, refresh_seq = excluded.refresh_seq, seen_at = excluded.seen_at`,
		organizationID, host, h.token, h.seq, stamp(now))
	return now, err
}

// judge refuses the lock to this host while its holder may be alive: on this host, while its
// process lives; on another, until this host has seen its refresh count stand still for lockStale.
func judge(organizationID string, h *Holder, host string, seen, now time.Time) *LockedError {
	refused := &LockedError{OrganizationID: organizationID, Holder: *h}
	if h.Host == host {
		if processAlive(h.PID) {
			return refused
		}
		return nil
	}
	if now.Sub(seen) > lockStale {
		return nil
	}
	refused.TakeoverAt = seen.Add(lockStale)
	return refused
}

// processAlive asks the kernel; EPERM means the process exists but belongs to someone else.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// refresh keeps the lock fresh until Release. The lock is lost, and Lost closed so the run stops,
// when another run took it over (this one looked dead to it) or when it could not be refreshed
// for lockUnsure: by then this run can no longer be sure no other has taken it.
func (l *Lock) refresh() {
	defer close(l.done)
	ticker := time.NewTicker(lockRefresh)
	defer ticker.Stop()
	lastRefreshed := time.Now()
	for {
		select {
		case <-l.stop:
			return
		case <-ticker.C:
			held, err := l.touch()
			switch {
			case err == nil && !held:
				l.Lose(l.takenOver())
				return
			case err == nil:
				lastRefreshed = time.Now()
			case time.Since(lastRefreshed) > lockUnsure:
				l.Lose(fmt.Errorf("the lock of organization %s could not be refreshed for %s (%w), so another run may take it over",
					l.org, lockUnsure, err))
				return
			}
		}
	}
}

// touch refreshes the lock, saying whether this run still holds it.
func (l *Lock) touch() (bool, error) {
	res, err := l.db.sql.Exec(`UPDATE organization_locks SET refreshed_at = ?, refresh_seq = refresh_seq + 1
		WHERE platform_org_id = ? AND holder = ?`, stamp(time.Now()), l.org, l.holder)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (l *Lock) takenOver() error {
	return fmt.Errorf("another run took the lock of organization %s over", l.org)
}

// Check refreshes the lock now and fails with importer.ErrSuperseded if this run no longer holds
// it. A run asks it right before each mutation: the refresh every few seconds would let a run
// that was paused, and taken over meanwhile, send for up to a refresh period after it resumes.
func (l *Lock) Check(ctx context.Context) error {
	if err := l.Err(); err != nil {
		return fmt.Errorf("%w: %v", importer.ErrSuperseded, err)
	}
	held, err := l.touch()
	if err != nil {
		return fmt.Errorf("checking the lock of organization %s: %w", l.org, err)
	}
	if !held {
		l.Lose(l.takenOver())
		return fmt.Errorf("%w: %v", importer.ErrSuperseded, l.takenOver())
	}
	return nil
}

// Fenced is the database as this lock's holder writes it: every journal write also checks that
// the lock is still held, and fails with importer.ErrSuperseded once it is not, so that a run that
// lost its lock cannot overwrite what its successor recorded. It shares the connection of the
// database the lock was taken on, which alone is closed.
func (l *Lock) Fenced() importer.Database {
	return &DB{sql: l.db.sql, path: l.db.path, fence: &fence{org: l.org, holder: l.holder}}
}

// Release gives the lock up.
func (l *Lock) Release() error {
	close(l.stop)
	<-l.done
	_, err := l.db.sql.Exec(`DELETE FROM organization_locks WHERE platform_org_id = ? AND holder = ?`, l.org, l.holder)
	return err
}
