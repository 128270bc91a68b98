package sqlite

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/acme/storeimport/importer"
)

// plantLock writes a lock row as another process would have left it.
func plantLock(t *testing.T, db *DB, pid int, host string, refreshed time.Time) {
	t.Helper()
	_, err := db.SQL().Exec(`INSERT INTO organization_locks (platform_org_id, holder, pid, host, command, started_at, refreshed_at)
		VALUES ('org_1', 'someone', ?, ?, 'storeimport import x.csv', ?, ?)`, pid, host, stamp(refreshed), stamp(refreshed))
	if err != nil {
		t.Fatal(err)
	}
}

func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func TestLockOfADeadProcessOnThisHostIsTakenOver(t *testing.T) {
	db, _ := openTemp(t)
	host, _ := os.Hostname()
	plantLock(t, db, deadPID(t), host, time.Now())
	lock, err := db.Lock(context.Background(), "org_1", "storeimport import")
	if err != nil {
		t.Fatalf("the holder is dead, yet: %v", err)
	}
	lock.Release()
}

func TestLockOfAnotherHostIsTakenOverOnceThisHostSawItStandStill(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	plantLock(t, db, deadPID(t), "another-host", time.Now())
	_, err := db.Lock(ctx, "org_1", "storeimport import")
	var locked *LockedError
	if !errors.As(err, &locked) {
		t.Fatalf("a lock of another host, first seen now: %v, want refused", err)
	}
	if want := time.Now().Add(lockStale); locked.TakeoverAt.Sub(want).Abs() > time.Second {
		t.Errorf("takeover at %v, want about %v", locked.TakeoverAt, want)
	}

	backdateSighting(t, db, 2*time.Minute)
	lock, err := db.Lock(ctx, "org_1", "storeimport import")
	if err != nil {
		t.Fatalf("a lock this host saw unrefreshed for two minutes: %v, want taken over", err)
	}
	lock.Release()
}

// Clocks of hosts need not agree: a holder whose clock is ten minutes behind keeps its lock as
// long as it keeps refreshing it.
func TestLiveHolderOnAnotherHostKeepsItsLockWhateverItsClock(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	plantLock(t, db, deadPID(t), "another-host", time.Now().Add(-10*time.Minute))
	if _, err := db.Lock(ctx, "org_1", "storeimport import"); err == nil {
		t.Fatal("took over a lock first seen just now, judging by the holder's clock")
	}
	backdateSighting(t, db, 2*time.Minute)
	db.SQL().Exec(`UPDATE organization_locks SET refresh_seq = refresh_seq + 1`) // the holder refreshed meanwhile
	if _, err := db.Lock(ctx, "org_1", "storeimport import"); err == nil {
		t.Fatal("took over a lock whose holder refreshed it since this host last looked")
	}
}

// backdateSighting makes this host's sighting of the lock look older by d, as if it had waited.
func backdateSighting(t *testing.T, db *DB, d time.Duration) {
	t.Helper()
	if _, err := db.SQL().Exec(`UPDATE lock_sightings SET seen_at = ?`, stamp(time.Now().Add(-d))); err != nil {
		t.Fatal(err)
	}
}

// A live holder on this host keeps its lock however long ago it refreshed it: paused with SIGSTOP
// for minutes, it is still alive.
func TestLiveHolderOnThisHostKeepsItsLock(t *testing.T) {
	host, _ := os.Hostname()
	sleeper := exec.Command("sleep", "30")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { sleeper.Process.Kill(); sleeper.Wait() }()
	for _, refreshed := range []time.Duration{0, 10 * time.Minute} {
		db, _ := openTemp(t)
		plantLock(t, db, sleeper.Process.Pid, host, time.Now().Add(-refreshed))
		_, err := db.Lock(context.Background(), "org_1", "storeimport import")
		var locked *LockedError
		if !errors.As(err, &locked) || !locked.TakeoverAt.IsZero() || !strings.Contains(err.Error(), "alive on this host") {
			t.Errorf("refreshed %v ago: took, or offered to take, the lock of a live process: %v", refreshed, err)
		}
	}
}

// quickRefresh makes the lock refresh every few milliseconds for one test.
func quickRefresh(t *testing.T) {
	refresh, unsure := lockRefresh, lockUnsure
	lockRefresh, lockUnsure = 5*time.Millisecond, 50*time.Millisecond
	t.Cleanup(func() { lockRefresh, lockUnsure = refresh, unsure })
}

func waitLost(t *testing.T, lock importer.Lock) error {
	t.Helper()
	select {
	case <-lock.Lost():
		return lock.Err()
	case <-time.After(5 * time.Second):
		t.Fatal("the lock was not found lost within 5 s")
		return nil
	}
}

// A holder notices when its lock is gone: another run took it over, or its refresh kept failing
// (injected with a trigger), after which it cannot know that no other run has taken it.
func TestHolderNoticesItsLockIsLost(t *testing.T) {
	for _, tc := range []struct{ fault, want string }{
		{`UPDATE organization_locks SET holder = 'successor'`, "took the lock"},
		{`CREATE TRIGGER refresh_fails BEFORE UPDATE ON organization_locks
			BEGIN SELECT RAISE(ABORT, 'disk I/O error (injected)'); END`, "could not be refreshed"},
	} {
		quickRefresh(t)
		db, _ := openTemp(t)
		lock, err := db.Lock(context.Background(), "org_1", "storeimport import")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.SQL().Exec(tc.fault); err != nil {
			t.Fatal(err)
		}
		if err := waitLost(t, lock); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("lost because %v, want: %s", err, tc.want)
		}
		lock.Release()
	}
}
