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

	"github.com/jackc/pgx/v5"

	"github.com/acme/storeimport/importer"
)

func TestSecondLockIsRefusedNamingTheHolder(t *testing.T) {
	db, url := openTemp(t)
	other := openAt(t, url, "") // as another process would
	ctx := context.Background()
	first, err := db.Lock(ctx, "org_1", "storeimport import a.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []*DB{db, other} {
		_, err = d.Lock(ctx, "org_1", "storeimport import b.csv")
		var locked *LockedError
		if !errors.As(err, &locked) {
			t.Fatalf("second lock: %v, want a LockedError", err)
		}
		host, _ := os.Hostname()
		if h := locked.Holder; h == nil || h.PID != os.Getpid() || h.Host != host || !strings.Contains(err.Error(), "a.csv") ||
			time.Since(h.Started).Abs() > time.Minute {
			t.Errorf("the refusal must name the holder: %v", err)
		}
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	again, err := other.Lock(ctx, "org_1", "storeimport import b.csv")
	if err != nil {
		t.Fatalf("right after release: %v", err)
	}
	again.Release()
	var rows int
	db.pool.QueryRow(ctx, `SELECT count(*) FROM organization_locks`).Scan(&rows)
	if rows != 0 {
		t.Errorf("%d holder rows left after release, want 0", rows)
	}
}

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

// holderBackend is the server process of the session that holds the organization's lock.
func holderBackend(t *testing.T, db *DB, organizationID string) int {
	t.Helper()
	key := advisoryKey("organization", db.schema, organizationID)
	var pid int
	err := db.pool.QueryRow(context.Background(), `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND classid = ($1::bigint >> 32)::oid AND objid = ($1::bigint & 4294967295)::oid AND objsubid = 1`, key).Scan(&pid)
	if err != nil {
		t.Fatalf("finding the session that holds the lock of %s: %v", organizationID, err)
	}
	return pid
}

// stealLock takes the lock over as another run would once this holder's connection died: its
// session is ended, and another takes the advisory lock and overwrites the holder row.
func stealLock(t *testing.T, db *DB, url, organizationID string) {
	t.Helper()
	ctx := context.Background()
	run(t, db, `SELECT pg_terminate_backend($1, 5000)`, holderBackend(t, db, organizationID))
	successor, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { successor.Close(ctx) })
	if _, err := successor.Exec(ctx, `SELECT pg_advisory_lock($1)`, advisoryKey("organization", db.schema, organizationID)); err != nil {
		t.Fatal(err)
	}
	if _, err := successor.Exec(ctx, `UPDATE organization_locks SET holder = 'successor', pid = 1, host = 'elsewhere'
		WHERE platform_org_id = $1`, organizationID); err != nil {
		t.Fatal(err)
	}
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

	run(t, db, `SELECT pg_terminate_backend($1, 5000)`, holderBackend(t, db, "org_1"))
	if err := waitLost(t, lock); err == nil || !strings.Contains(err.Error(), "connection") {
		t.Errorf("lost because %v, want: the connection failed", err)
	}
	if err := lock.Check(ctx); !errors.Is(err, importer.ErrSuperseded) {
		t.Errorf("Check after the connection dropped: %v, want ErrSuperseded", err)
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

// A holder finds out when another run has overwritten its holder row, however it came to.
func TestHolderNoticesItsRowWasTaken(t *testing.T) {
	quickPoll(t)
	db, _ := openTemp(t)
	lock := lockedOrg(t, db)
	run(t, db, `UPDATE organization_locks SET holder = 'successor'`)
	if err := waitLost(t, lock); err == nil || !strings.Contains(err.Error(), "took the lock") {
		t.Errorf("lost because %v, want: another run took it", err)
	}
	if err := lock.Check(context.Background()); !errors.Is(err, importer.ErrSuperseded) {
		t.Errorf("Check: %v, want ErrSuperseded", err)
	}
}

// Check finds a takeover at once, without waiting for the next poll.
func TestCheckFindsATakeoverAtOnce(t *testing.T) {
	db, url := openTemp(t)
	lock := lockedOrg(t, db)
	stealLock(t, db, url, "org_1")
	if err := lock.Check(context.Background()); !errors.Is(err, importer.ErrSuperseded) {
		t.Errorf("Check right after a takeover: %v, want ErrSuperseded", err)
	}
	select {
	case <-lock.Lost():
	default:
		t.Error("Check found the lock gone, yet Lost is open")
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
	if !errors.As(err, &locked) || locked.Holder == nil || locked.Holder.PID != holder.Process.Pid {
		t.Fatalf("lock of a live holder process: %v, want refused naming pid %d", err, holder.Process.Pid)
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
