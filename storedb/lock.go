package storedb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// A holder refreshes its lock every lockRefresh; a lock not refreshed for lockStale is taken to be
// abandoned. Only a lock of this host can be proven abandoned sooner: its process is gone.
const (
	lockRefresh = 5 * time.Second
	lockStale   = 60 * time.Second
)

// Holder is the run holding an organization's lock.
type Holder struct {
	PID       int
	Host      string
	Command   string
	Started   time.Time
	Refreshed time.Time
}

// LockedError says that another run holds the organization's lock, who, and what to do.
type LockedError struct {
	OrganizationID string
	Holder         Holder
	TakeoverAt     time.Time // when the lock may be taken over if its holder stops refreshing it
}

func (e *LockedError) Error() string {
	h := e.Holder
	return fmt.Sprintf("organization %s is locked by another run (%s, pid %d on host %s, started %s): wait for it to finish; "+
		"if it has died, its lock can be taken over from %s (60 s after it was last refreshed)",
		e.OrganizationID, h.Command, h.PID, h.Host, h.Started.Local().Format(time.DateTime), e.TakeoverAt.Local().Format(time.DateTime))
}

// Lock is an organization's lock, held by this process until Release.
type Lock struct {
	db     *DB
	org    string
	holder string
	stop   chan struct{}
	done   chan struct{}
	lost   chan struct{}
}

// Lock takes the organization's lock for a run that may send mutations, or fails at once with a
// *LockedError naming the holder. A lock whose holder is provably gone (this host, process dead)
// is taken over at once; one from another host only once it is stale.
func (d *DB) Lock(ctx context.Context, organizationID, command string) (*Lock, error) {
	host, _ := os.Hostname()
	l := &Lock{db: d, org: organizationID, holder: rand.Text(), stop: make(chan struct{}), done: make(chan struct{}), lost: make(chan struct{})}
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		held, err := currentHolder(ctx, tx, organizationID)
		if err != nil {
			return err
		}
		now := time.Now().UTC()
		if held != nil && !abandoned(held, host, now) {
			return &LockedError{OrganizationID: organizationID, Holder: *held, TakeoverAt: held.Refreshed.Add(lockStale)}
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO organization_locks (platform_org_id, holder, pid, host, command, started_at, refreshed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (platform_org_id) DO UPDATE SET holder = excluded.holder, pid = excluded.pid, host = excluded.host,
				command = excluded.command, started_at = excluded.started_at, refreshed_at = excluded.refreshed_at`,
			organizationID, l.holder, os.Getpid(), host, command, stamp(now), stamp(now))
		return err
	})
	if err != nil {
		var locked *LockedError
		if errors.As(err, &locked) {
			return nil, locked
		}
		return nil, fmt.Errorf("taking the lock of organization %s: %w", organizationID, err)
	}
	go l.refresh()
	return l, nil
}

func currentHolder(ctx context.Context, tx *sql.Tx, organizationID string) (*Holder, error) {
	var h Holder
	var started, refreshed string
	err := tx.QueryRowContext(ctx, `SELECT pid, host, command, started_at, refreshed_at FROM organization_locks WHERE platform_org_id = ?`,
		organizationID).Scan(&h.PID, &h.Host, &h.Command, &started, &refreshed)
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

func abandoned(h *Holder, host string, now time.Time) bool {
	if now.Sub(h.Refreshed) > lockStale {
		return true
	}
	return h.Host == host && !processAlive(h.PID)
}

// processAlive asks the kernel; EPERM means the process exists but belongs to someone else.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// refresh keeps the lock fresh until Release. If another run took it over (this one looked dead,
// for example after the machine slept), Lost is closed so the run can stop.
func (l *Lock) refresh() {
	defer close(l.done)
	ticker := time.NewTicker(lockRefresh)
	defer ticker.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-ticker.C:
			res, err := l.db.sql.Exec(`UPDATE organization_locks SET refreshed_at = ? WHERE platform_org_id = ? AND holder = ?`,
				stamp(time.Now()), l.org, l.holder)
			if err != nil {
				continue // a busy database now is no proof the lock is gone; the next tick tries again
			}
			if n, _ := res.RowsAffected(); n == 0 {
				close(l.lost)
				return
			}
		}
	}
}

// Lost is closed when another run has taken the lock over.
func (l *Lock) Lost() <-chan struct{} { return l.lost }

// Release gives the lock up.
func (l *Lock) Release() error {
	close(l.stop)
	<-l.done
	_, err := l.db.sql.Exec(`DELETE FROM organization_locks WHERE platform_org_id = ? AND holder = ?`, l.org, l.holder)
	return err
}
