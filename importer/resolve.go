package importer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
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

// Resolve records a person's verdict in the journal. With a shop, the attempt moves on to created
// and the next import turns reservations on and stores it; with none, it ends failed and the next
// import makes the row afresh. The shop must be a live shop of the organization that no store links.
func Resolve(ctx context.Context, job ReconcileJob, res Resolution) (Finding, error) {
	e, err := job.attemptInDoubt(ctx, res.Attempt)
	if err != nil {
		return Finding{}, err
	}
	run := resumeRowRun(e, job.Journal, job.Clock)
	f := Finding{Kind: InDoubt, PublicID: e.Store.PublicID, ShopID: res.ShopID,
		Detail: fmt.Sprintf("createShop for %q (line %d, key %s), in doubt since %s", e.Store.Name, e.Line, e.Key, e.BeganAt.Local().Format(time.DateTime))}
	if res.None {
		run.err = "settled by a person (reconcile --resolve --none): the attempt made no shop"
		f.Action = "recorded that it made no shop; the next import makes the row afresh"
		return f, run.to(ctx, stateFailed)
	}
	if err := job.checkResolvedShop(ctx, res.ShopID); err != nil {
		return Finding{}, err
	}
	run.entry.ShopID, run.err = res.ShopID, ""
	f.Action = "recorded that it made shop " + res.ShopID + "; the next import turns reservations on and stores it"
	return f, run.to(ctx, stateCreated)
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

// checkResolvedShop makes sure a shop a person names is one an attempt of this organization could
// have made and no store already has.
func (job ReconcileJob) checkResolvedShop(ctx context.Context, shopID string) error {
	shop, err := job.Platform.Shop(ctx, shopID)
	if err != nil {
		return fmt.Errorf("checking shop %s on the platform: %w", shopID, err)
	}
	if shop == nil || shop.OrganizationID != job.OrganizationID {
		return fmt.Errorf("shop %s is not a live shop of organization %s: check --shop, or give --none", shopID, job.OrganizationID)
	}
	linked, err := job.Stores.StoreOfShop(ctx, shopID)
	if err != nil {
		return err
	}
	if linked != "" {
		return fmt.Errorf("shop %s is already the shop of store %s: check --shop, or give --none", shopID, linked)
	}
	return nil
}
