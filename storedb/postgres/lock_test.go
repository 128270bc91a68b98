package postgres

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/acme/storeimport/importer"
)

// Each organization's lock is its own: holding one never blocks another's, on one database
// handle or two.
func TestLocksOfOtherOrganizationsDoNotBlock(t *testing.T) {
	db, url := openTemp(t)
	other := openAt(t, url, "")
	ctx := context.Background()
	first, err := db.Lock(ctx, "org_1", "storeimport import a.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer first.Release()
	for i, d := range []*DB{db, other} {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		lock, err := d.Lock(ctx, fmt.Sprintf("org_%d", i+2), "storeimport import c.csv")
		cancel()
		if err != nil {
			t.Fatalf("another organization's lock: %v", err)
		}
		if err := lock.Check(ctx); err != nil {
			t.Errorf("another organization's lock, checked: %v", err)
		}
		lock.Release()
	}
	if err := first.Check(ctx); err != nil {
		t.Errorf("the first lock after others came and went: %v", err)
	}
}

// lockSession is the server process of the session that holds the organization's lock.
func lockSession(t *testing.T, db *DB, organizationID string) int {
	t.Helper()
	session, err := db.LockSession(context.Background(), organizationID)
	if err != nil || session == 0 {
		t.Fatalf("the session holding the lock of %s: %d, %v", organizationID, session, err)
	}
	return session
}

func quickPoll(t *testing.T) {
	poll := lockPoll
	lockPoll = 10 * time.Millisecond
	t.Cleanup(func() { lockPoll = poll })
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

// When the connection holding the lock drops, the lock goes with it: another run takes it over at
// once, the old holder finds out (Lost, Check), and its journal writes are refused.
func TestLockGoesWithItsConnection(t *testing.T) {
	quickPoll(t)
	db, url := openTemp(t)
	ctx := context.Background()
	lock := lockedOrg(t, db)
	fenced := lock.Fenced()
	e := begin(t, fenced, importer.Store{PublicID: "a-01", Name: "A", Location: "東京都", Industry: "other"})

	run(t, db, `SELECT pg_terminate_backend($1, 5000)`, lockSession(t, db, "org_1"))
	if err := waitLost(t, lock); err == nil || !strings.Contains(err.Error(), "connection") {
		t.Errorf("lost because %v, want: the connection failed", err)
	}
	if err := lock.Check(ctx); !errors.Is(err, importer.ErrSuperseded) {
		t.Errorf("Check after the connection dropped: %v, want ErrSuperseded", err)
	}
	// Its holder row is still there, but no lock: status does not show it held.
	if status, err := db.Status(ctx); err != nil || len(status.Locks) != 0 {
		t.Errorf("status shows locks %+v (%v) after the holder's connection dropped, want none", status, err)
	}
	successor, err := openAt(t, url, "").Lock(ctx, "org_1", "storeimport import again.csv")
	if err != nil {
		t.Fatalf("a lock whose connection dropped: %v, want taken over at once", err)
	}
	defer successor.Release()
	e.State = "compensating"
	if err := fenced.Record(ctx, e, "assigned", now); !errors.Is(err, importer.ErrSuperseded) {
		t.Errorf("a journal write of the old holder after the takeover: %v, want ErrSuperseded", err)
	}
	if err := lock.Release(); err != nil {
		t.Errorf("releasing a lost lock: %v", err)
	}
	if err := successor.Check(ctx); err != nil {
		t.Errorf("the old holder's release took the successor's lock: %v", err)
	}
}

// A holder finds out when another run has overwritten its holder row, however it came to: at
// once when it checks, or at its next poll.
func TestHolderNoticesItsRowWasTaken(t *testing.T) {
	db, _ := openTemp(t)
	lock := lockedOrg(t, db)
	run(t, db, `UPDATE organization_locks SET holder = 'successor'`)
	if err := lock.Check(context.Background()); !errors.Is(err, importer.ErrSuperseded) {
		t.Errorf("Check: %v, want ErrSuperseded", err)
	}
	select {
	case <-lock.Lost():
	default:
		t.Error("Check found the lock taken, yet Lost is open")
	}

	quickPoll(t)
	polled, _ := openTemp(t)
	lock = lockedOrg(t, polled)
	run(t, polled, `UPDATE organization_locks SET holder = 'successor'`)
	if err := waitLost(t, lock); err == nil || !strings.Contains(err.Error(), "took the lock") {
		t.Errorf("lost because %v, want: another run took it", err)
	}
}

// envHold makes the test binary a process that holds org_1's lock on the database it names.
const envHold = "STOREIMPORT_TEST_HOLD_LOCK"

func TestMain(m *testing.M) {
	if url := os.Getenv(envHold); url != "" {
		holdLock(url)
	}
	os.Exit(m.Run())
}

// holdLock takes the lock, says so on stdout, and waits to be killed.
func holdLock(url string) {
	ctx := context.Background()
	db, err := Open(ctx, url, "")
	if err == nil {
		_, err = db.Lock(ctx, "org_1", "storeimport import held.csv")
	}
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println("locked")
	select {}
}

// A holder killed outright, as by SIGKILL or a crash, leaves its lock to the next run at once.
func TestLockOfAKilledProcessIsTakenOverAtOnce(t *testing.T) {
	db, url := openTemp(t)
	ctx := context.Background()
	holder := exec.Command(os.Args[0], "-test.run=^$")
	holder.Env = append(os.Environ(), envHold+"="+url)
	stdout, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer holder.Process.Kill()
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "locked\n" {
		t.Fatalf("the holder process said %q", line)
	}
	_, err = db.Lock(ctx, "org_1", "storeimport import b.csv")
	var locked *LockedError
	if !errors.As(err, &locked) || locked.Holder == nil || locked.Holder.PID != holder.Process.Pid ||
		!strings.Contains(err.Error(), fmt.Sprintf("pg_terminate_backend(%d)", lockSession(t, db, "org_1"))) {
		t.Fatalf("lock of a live holder process: %v, want refused naming pid %d and its session", err, holder.Process.Pid)
	}
	holder.Process.Kill()
	holder.Wait()
	// The server sees the connection close at once; allow it a moment to end the session.
	deadline := time.Now().Add(2 * time.Second)
	for {
		lock, err := db.Lock(ctx, "org_1", "storeimport import b.csv")
		if err == nil {
			lock.Release()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("2 s after its holder was killed, the lock: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
