package storedb

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestSecondLockIsRefusedNamingTheHolder(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	first, err := db.Lock(ctx, "org_1", "storeimport import a.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Lock(ctx, "org_1", "storeimport import b.csv")
	var locked *LockedError
	if !errors.As(err, &locked) {
		t.Fatalf("second lock: %v, want a LockedError", err)
	}
	host, _ := os.Hostname()
	if locked.Holder.PID != os.Getpid() || locked.Holder.Host != host || !strings.Contains(err.Error(), "a.csv") {
		t.Errorf("the refusal must name the holder: %v", err)
	}
	if other, err := db.Lock(ctx, "org_2", "storeimport import c.csv"); err != nil {
		t.Errorf("another organization's lock: %v", err)
	} else {
		other.Release()
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	again, err := db.Lock(ctx, "org_1", "storeimport import b.csv")
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	again.Release()
}

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

func TestLockOfAnotherHostWaitsUntilStale(t *testing.T) {
	db, _ := openTemp(t)
	refreshed := time.Now().Add(-10 * time.Second)
	plantLock(t, db, deadPID(t), "another-host", refreshed)
	_, err := db.Lock(context.Background(), "org_1", "storeimport import")
	var locked *LockedError
	if !errors.As(err, &locked) {
		t.Fatalf("a fresh lock of another host: %v, want refused", err)
	}
	if want := refreshed.Add(lockStale); locked.TakeoverAt.Sub(want).Abs() > time.Millisecond {
		t.Errorf("takeover at %v, want %v", locked.TakeoverAt, want)
	}

	db.SQL().Exec(`UPDATE organization_locks SET refreshed_at = ?`, stamp(time.Now().Add(-2*time.Minute)))
	lock, err := db.Lock(context.Background(), "org_1", "storeimport import")
	if err != nil {
		t.Fatalf("a stale lock of another host: %v, want taken over", err)
	}
	lock.Release()
}

func TestLiveHolderOnThisHostKeepsItsLock(t *testing.T) {
	db, _ := openTemp(t)
	host, _ := os.Hostname()
	sleeper := exec.Command("sleep", "30")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { sleeper.Process.Kill(); sleeper.Wait() }()
	plantLock(t, db, sleeper.Process.Pid, host, time.Now())
	if _, err := db.Lock(context.Background(), "org_1", "storeimport import"); err == nil {
		t.Fatal("took the lock of a live process")
	}
}
