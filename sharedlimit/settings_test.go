package sharedlimit_test

import (
	"context"
	"errors"
	"testing"

	"github.com/acme/storeimport/internal/ratewindow"
	"github.com/acme/storeimport/sharedlimit"
)

// The first process's rate and burst are the shared limit's: a process with others is refused,
// naming both, while the first holds its claim, and even one that took its turns regardless moves
// the bucket by the stored interval, so the two cannot together go over the limit. Once the
// first lets go, the other's settings take over.
func TestABucketKeepsTheSettingsOfItsClaim(t *testing.T) {
	const perSecond, burst = 10.0, 1
	ctx := context.Background()
	db := openDB(t)
	first := sharedlimit.New(db.Pool(), "token-a", perSecond, burst)
	release, err := first.Claim(ctx, "--rate 10 --burst 1")
	if err != nil {
		t.Fatal(err)
	}
	same, err := first.Claim(ctx, "--rate 10 --burst 1")
	if err != nil {
		t.Fatalf("a second process with the same settings: %v", err)
	}
	faster := sharedlimit.New(db.Pool(), "token-a", 10*perSecond, burst)
	_, err = faster.Claim(ctx, "--rate 100 --burst 1")
	var refused *sharedlimit.SettingsError
	if !errors.As(err, &refused) || refused.Have != "--rate 10 --burst 1" || refused.Want != "--rate 100 --burst 1" {
		t.Errorf("a process at 10 times the rate: %v; want a SettingsError naming both settings", err)
	}
	grants := takeTurns(t, faster, 6)
	if worst := ratewindow.WorstWindow(grants, perSecond, burst, ratewindow.Jitter); worst != "" {
		t.Errorf("the faster process's turns: %s", worst)
	}
	release()
	same()
	releaseFaster, err := faster.Claim(ctx, "--rate 100 --burst 1")
	if err != nil {
		t.Fatalf("the faster process once no other holds a claim: %v", err)
	}
	releaseFaster()
}
