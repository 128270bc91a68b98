package postgres

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/storedb/internal/lease"
)

// An organization's lock is a session advisory lock on a connection of its own: it lasts exactly
// as long as that session, so a holder that dies, on whatever host, frees it when its connection
// goes, and the next run takes over at once. The holder row beside it names the holder in a
// refusal, and fences the holder's journal writes: a run taking over overwrites it.
//
// The holder makes sure every lockPoll that its connection is alive and the row still its own,
// giving up the lock as lost when the answer takes longer than lockProbe.
var (
	lockPoll  = 3 * time.Second
	lockProbe = 10 * time.Second
)

// keepalives make the server drop the session of a holder whose host or network died within
// about 25 s, rather than the minutes to hours of the system's TCP defaults, so that its lock is
// freed: keepalives while the connection is idle, tcp_user_timeout while data waits for an answer.
// A holder that is merely paused keeps its connection, and its lock, however long it pauses: its
// kernel still answers. Settings the server ignores on a Unix socket.
const keepalives = `SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3;
	SET tcp_user_timeout = 25000`

// Holder is the run holding an organization's lock, as its holder row says.
type Holder struct {
	PID     int
	Host    string
	Command string
	Started time.Time // by the database's clock
	Session int       // the server process of its session, which holds the advisory lock
}

// LockedError says that another run holds the organization's lock, who, and what to do.
type LockedError struct {
	OrganizationID string
	Holder         *Holder // nil while the holder has not written its row yet, or is releasing the lock
}

func (e *LockedError) Error() string {
	h := e.Holder
	if h == nil {
		return fmt.Sprintf("organization %s is locked by another run that is just starting or ending: try again in a moment", e.OrganizationID)
	}
	return fmt.Sprintf("organization %s is locked by another run (%s, pid %d on host %s, started %s): wait for it to finish; "+
		"if it has died, its lock goes with its connection to the database: at once if its process was killed, within about "+
		"25 s if its host or network failed (or at once by ending its session: SELECT pg_terminate_backend(%d)); run again then",
		e.OrganizationID, h.Command, h.PID, h.Host, h.Started.Local().Format(time.DateTime), h.Session)
}

// Lock is an organization's lock, held by this process until Release.
type Lock struct {
	db     *DB
	org    string
	key    int64
	holder string
	mu     sync.Mutex // conn is one session: one statement at a time
	conn   *pgx.Conn  // the session that holds the advisory lock; never given a caller's context
	stop   chan struct{}
	done   chan struct{}
	*lease.Loss

	releasing sync.Once
	released  error
}

// Lock takes the organization's lock for a run that may send mutations, or fails at once with a
// *LockedError naming the holder.
func (d *DB) Lock(ctx context.Context, organizationID, command string) (importer.Lock, error) {
	if d.readOnly {
		return nil, errors.New("the database was opened read-only")
	}
	l := &Lock{db: d, org: organizationID, key: d.lockKey(organizationID), holder: rand.Text(),
		stop: make(chan struct{}), done: make(chan struct{}), Loss: lease.NewLoss()}
	held, err := l.take(ctx, command)
	if err != nil {
		return nil, fmt.Errorf("taking the lock of organization %s: %w", organizationID, err)
	}
	if !held {
		return nil, d.refusal(ctx, organizationID)
	}
	go l.watch(lockPoll)
	return l, nil
}

// take takes the advisory lock on a connection of the lock's own, taken out of the pool, and
// writes the holder row, overwriting a dead holder's. It says false when another run holds it.
func (l *Lock) take(ctx context.Context, command string) (bool, error) {
	pooled, err := l.db.pool.Acquire(ctx)
	if err != nil {
		return false, err
	}
	l.conn = pooled.Hijack()
	held, err := l.claim(ctx, command)
	if err != nil || !held {
		l.conn.Close(context.WithoutCancel(ctx))
	}
	return held, err
}

func (l *Lock) claim(ctx context.Context, command string) (bool, error) {
	if _, err := l.conn.Exec(ctx, keepalives); err != nil {
		return false, err
	}
	var held bool
	if err := l.conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, l.key).Scan(&held); err != nil || !held {
		return false, err
	}
	host, _ := os.Hostname()
	_, err := l.conn.Exec(ctx, `
		INSERT INTO organization_locks (platform_org_id, holder, pid, host, command, started_at, refreshed_at, refresh_seq)
		VALUES ($1, $2, $3, $4, $5, clock_timestamp(), clock_timestamp(), 0)
		ON CONFLICT (platform_org_id) DO UPDATE SET holder = excluded.holder, pid = excluded.pid, host = excluded.host,
			command = excluded.command, started_at = excluded.started_at, refreshed_at = excluded.refreshed_at, refresh_seq = 0`,
		l.org, l.holder, os.Getpid(), host, command)
	return err == nil, err
}

// refusal names the run that holds the organization's lock.
func (d *DB) refusal(ctx context.Context, organizationID string) error {
	var h Holder
	err := d.pool.QueryRow(ctx, `SELECT pid, host, command, started_at FROM organization_locks WHERE platform_org_id = $1`,
		organizationID).Scan(&h.PID, &h.Host, &h.Command, &h.Started)
	if err == nil {
		h.Session, err = d.LockSession(ctx, organizationID)
	}
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return &LockedError{OrganizationID: organizationID}
	case err != nil:
		return fmt.Errorf("organization %s is locked by another run, which could not be named: %w", organizationID, err)
	}
	return &LockedError{OrganizationID: organizationID, Holder: &h}
}

// watch finds the lock lost, and closes Lost so that the run stops, when its connection fails or
// another run has taken it over.
func (l *Lock) watch(every time.Duration) {
	defer close(l.done)
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-ticker.C:
			if err := l.verify(refreshHolder); err != nil {
				l.Lose(err)
				return
			}
		}
	}
}

// The statements verify runs: the poll also counts itself in the holder row, where an operator
// sees the holder is alive; Check, asked before every mutation, only reads, so that it neither
// writes a commit nor waits for the journal writes that hold the row.
const (
	refreshHolder = `UPDATE organization_locks SET refreshed_at = clock_timestamp(), refresh_seq = refresh_seq + 1
		WHERE platform_org_id = $1 AND holder = $2 RETURNING true`
	readHolder = `SELECT true FROM organization_locks WHERE platform_org_id = $1 AND holder = $2`
)

// verify makes sure, on the lock's own connection, that its session, and so the advisory lock, is
// alive and that the holder row is still this run's. Any failure counts as lost: the connection
// may be gone, and the lock with it.
func (l *Lock) verify(statement string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	// Not the caller's context: cancelling a statement closes the connection, and the lock with it,
	// while an interrupted run's rows in flight still write the journal under it.
	ctx, cancel := context.WithTimeout(context.Background(), lockProbe)
	defer cancel()
	var ours bool
	err := l.conn.QueryRow(ctx, statement, l.org, l.holder).Scan(&ours)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("another run took the lock of organization %s over", l.org)
	case err != nil:
		return fmt.Errorf("the connection to the database that holds the lock of organization %s failed (%w), "+
			"and the lock may have gone with it", l.org, err)
	}
	return nil
}

// Check makes sure now that this run still holds the lock, and fails with importer.ErrSuperseded
// if it does not. A run asks it right before each mutation, so that a run that was paused, and
// taken over meanwhile, sends nothing once it resumes.
func (l *Lock) Check(context.Context) error {
	if err := l.Err(); err != nil {
		return fmt.Errorf("%w: %v", importer.ErrSuperseded, err)
	}
	if err := l.verify(readHolder); err != nil {
		l.Lose(err)
		return fmt.Errorf("%w: %v", importer.ErrSuperseded, err)
	}
	return nil
}

// Fenced is the database as this lock's holder writes it: every journal write also checks that
// the lock is still held, and fails with importer.ErrSuperseded once it is not, so that a run that
// lost its lock cannot overwrite what its successor recorded. It shares the pool of the database
// the lock was taken on, which alone is closed.
func (l *Lock) Fenced() importer.Database {
	return &DB{pool: l.db.pool, location: l.db.location, schema: l.db.schema, fence: &fence{org: l.org, holder: l.holder}}
}

// Release gives the lock up: the holder row goes, then the advisory lock, explicitly, so that it
// is free when Release returns rather than once the server has seen the connection close. Later
// calls only say how the first went.
func (l *Lock) Release() error {
	l.releasing.Do(func() { l.released = l.release() })
	return l.released
}

func (l *Lock) release() error {
	close(l.stop)
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), lockProbe)
	defer cancel()
	_, err := l.db.pool.Exec(ctx, `DELETE FROM organization_locks WHERE platform_org_id = $1 AND holder = $2`, l.org, l.holder)
	if !l.conn.IsClosed() {
		_, unlockErr := l.conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, l.key)
		err = errors.Join(err, unlockErr)
	}
	err = errors.Join(err, l.conn.Close(ctx))
	if err != nil {
		return fmt.Errorf("releasing the lock of organization %s: %w", l.org, err)
	}
	return nil
}
