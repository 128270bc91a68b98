package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/acme/storeimport/orgclient"
)

// Resolution is a person's verdict on an attempt in doubt that the platform can no longer settle
// (its key is older than the platform keeps answers, or the kept answer is an internal error):
// which shop its createShop made, or that it made none.
type Resolution struct {
	Attempt string // the attempt's key, or its store's public_id
	ShopID  string // the shop it made; "" with None
	None    bool   // it made no shop
}

// ErrNoSuchAttempt means no attempt in doubt answers to what a resolution names.
var ErrNoSuchAttempt = errors.New("no attempt in doubt matches")

// Resolve records a person's verdict in the journal. With none, the attempt ends failed and the
// next import makes the row afresh; it is refused while the attempt can still be replayed and no
// replay was tried, since a replay may prove otherwise. With a shop (a live shop of the
// organization, named and placed as the attempt asked, that no store and no other attempt has),
// the row is finished at once: reservations on, the store saved. Done at once, a shop named by a
// person is never left for reconcile --fix to take for an orphan.
func Resolve(ctx context.Context, job ReconcileJob, res Resolution) (Finding, error) {
	e, err := job.attemptInDoubt(ctx, res.Attempt)
	if err != nil {
		return Finding{}, err
	}
	run := resumeRowRun(e, job.Journal, job.Clock)
	f := Finding{Kind: InDoubt, PublicID: e.Store.PublicID, ShopID: res.ShopID,
		Detail: fmt.Sprintf("createShop for %q (line %d, key %s), in doubt since %s", e.Store.Name, e.Line, e.Key, e.BeganAt.Local().Format(time.DateTime))}
	if res.None {
		if run.state == stateCreating && unreplayable(e, job.Clock.Now(), job.TokenFingerprint, "en") == "" {
			return Finding{}, fmt.Errorf("attempt %s has not been replayed yet, and a replay may find the shop it made: run `storeimport reconcile --fix` (or the import) first", e.Key)
		}
		run.err = "settled by a person (reconcile --resolve --none): the attempt made no shop"
		f.Action = "recorded that it made no shop; the next import makes the row afresh"
		return f, run.to(ctx, stateFailed)
	}
	shop, err := job.checkResolvedShop(ctx, e, res.ShopID)
	if err != nil {
		return Finding{}, err
	}
	run.entry.ShopID, run.err = shop.ID, ""
	if err := run.to(ctx, stateCreated); err != nil {
		return Finding{}, err
	}
	if shop, err = job.assign(ctx, shop.ID); err != nil {
		f.NeedsPerson = true
		f.Action = "recorded that it made shop " + res.ShopID + ", but turning reservations on failed (" + err.Error() + "): the next import finishes it"
		return f, nil
	}
	if err := run.to(ctx, stateAssigned); err != nil {
		return Finding{}, err
	}
	f.Action = "recorded that it made shop " + res.ShopID + ", turned reservations on and stored it"
	return f, run.complete(ctx, shop)
}

// attemptInDoubt finds the one open attempt, with no shop recorded, whose key or public_id is name.
func (job ReconcileJob) attemptInDoubt(ctx context.Context, name string) (Entry, error) {
	open, err := job.Journal.Unsettled(ctx, job.OrganizationID)
	if err != nil {
		return Entry{}, err
	}
	var found []Entry
	for _, e := range open {
		if e.ShopID == "" && (e.Key == name || e.Store.PublicID == name) {
			found = append(found, e)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return Entry{}, fmt.Errorf("%w %q in organization %s: `storeimport reconcile` lists the attempts in doubt with their keys",
			ErrNoSuchAttempt, name, job.OrganizationID)
	}
	keys := make([]string, len(found))
	for i, e := range found {
		keys[i] = e.Key
	}
	return Entry{}, fmt.Errorf("%q names %d attempts in doubt (keys %s): name one by its key", name, len(found), strings.Join(keys, ", "))
}

// checkResolvedShop makes sure the shop a person names is one the attempt could have made: a live
// shop of the organization with the name and location the attempt asked for, that no store links
// and no other attempt recorded.
func (job ReconcileJob) checkResolvedShop(ctx context.Context, e Entry, shopID string) (*orgclient.Shop, error) {
	shop, err := job.Platform.Shop(ctx, shopID)
	if err != nil {
		return nil, fmt.Errorf("checking shop %s on the platform: %w", shopID, err)
	}
	switch {
	case shop == nil || shop.OrganizationID != job.OrganizationID:
		return nil, fmt.Errorf("shop %s is not a live shop of organization %s: check --shop, or give --none", shopID, job.OrganizationID)
	case shop.Name != e.Store.Name || shop.Location != e.Store.Location:
		return nil, fmt.Errorf("shop %s is %q at %q, but the attempt asked for %q at %q: check --shop", shopID, shop.Name, shop.Location, e.Store.Name, e.Store.Location)
	}
	linked, err := job.Stores.StoreOfShop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	if linked != "" {
		return nil, fmt.Errorf("shop %s is already the shop of store %s: check --shop, or give --none", shopID, linked)
	}
	attempts, err := job.Journal.Attempts(ctx, job.OrganizationID)
	if err != nil {
		return nil, err
	}
	for _, other := range attempts {
		if other.ShopID == shopID {
			return nil, fmt.Errorf("shop %s is the shop of another attempt (key %s, line %d): check --shop", shopID, other.Key, other.Line)
		}
	}
	return shop, nil
}
