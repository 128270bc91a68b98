package importer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/acme/storeimport/orgclient"
)

// LinkedStore is a local store with what its cache says of its shop.
type LinkedStore struct {
	PublicID      string
	ShopID        string
	CacheName     string
	CacheLocation string
	CacheServices []string
}

// ReconcileStores is the local database as reconcile reads and repairs it.
type ReconcileStores interface {
	ShopLinks
	LinkedStores(ctx context.Context, organizationID string) ([]LinkedStore, error)
	RefreshCache(ctx context.Context, publicID string, shop *orgclient.Shop, now time.Time) error
}

// FindingKind names one kind of disagreement between the platform, the stores and the journal.
type FindingKind string

const (
	// OrphanShop is a live shop with no local store that the journal proves this tool made.
	OrphanShop FindingKind = "orphan_shop"
	// UnknownShop is a live shop with no local store that this tool did not make: never touched.
	UnknownShop FindingKind = "unknown_shop"
	// MissingShop is a local store whose shop is gone from the platform.
	MissingShop FindingKind = "missing_shop"
	// MissingService is a store's shop without the reservation service.
	MissingService FindingKind = "missing_service"
	// StaleCache is a store cache whose name, location or services differ from the platform's.
	StaleCache FindingKind = "stale_cache"
	// InDoubt is an attempt whose createShop was sent but whose answer was never recorded (the
	// run died): a shop may exist that only a replay of the attempt's key can name.
	InDoubt FindingKind = "in_doubt"
	// UnconfirmedShop is a live shop with no local store whose name and location are those of an
	// attempt of this tool that recorded no shop: most likely made by it, but only a replay of
	// the attempt's key with its own token, or a person, can prove it. Never touched.
	UnconfirmedShop FindingKind = "unconfirmed_shop"
)

// Finding is one disagreement, and what --fix did about it.
type Finding struct {
	Kind     FindingKind
	ShopID   string
	PublicID string
	Detail   string
	Action   string // what --fix did; empty when nothing was done
	// NeedsPerson is true while the finding is unresolved and a person must look at it.
	NeedsPerson bool
}

// ReconcileJob compares one organization's platform shops, local stores and journal.
type ReconcileJob struct {
	OrganizationID string
	Fix            bool
	Platform       Platform
	Stores         ReconcileStores
	Journal        Journal
	Clock          Clock
	NewKey         func() string
	Log            *slog.Logger
	// TokenFingerprint names the platform token, so that only an attempt sent with it is replayed.
	TokenFingerprint string
	// Lease is the organization's lock; nil in tests that hold none.
	Lease Lease
}

// Reconcile reports every disagreement and, with Fix, repairs what is provably the importer's:
// it deletes orphan shops the journal shows it made, turns a missing service back on, and
// refreshes stale caches. Unknown shops and stores whose shop is gone are only reported.
func Reconcile(ctx context.Context, job ReconcileJob) ([]Finding, error) {
	findings, err := job.inDoubt(ctx)
	if err != nil {
		return nil, err
	}
	shops, err := job.Platform.Shops(ctx, job.OrganizationID)
	if err != nil {
		return nil, fmt.Errorf("listing the shops of organization %s: %w", job.OrganizationID, err)
	}
	stores, err := job.Stores.LinkedStores(ctx, job.OrganizationID)
	if err != nil {
		return nil, err
	}
	attempts, err := job.Journal.Attempts(ctx, job.OrganizationID)
	if err != nil {
		return nil, err
	}
	live := map[string]*orgclient.Shop{}
	for i := range shops {
		live[shops[i].ID] = &shops[i]
	}
	linked := map[string]bool{}
	for _, store := range stores {
		linked[store.ShopID] = true
		findings = append(findings, job.checkStore(ctx, store, live[store.ShopID])...)
	}
	ours := map[string]Entry{}
	var inDoubt, refused []Entry // attempts that recorded no shop
	for _, e := range attempts {
		switch {
		case e.ShopID != "":
			ours[e.ShopID] = e
		case e.State == string(stateCreating) || e.State == string(stateNeedsAttention):
			inDoubt = append(inDoubt, e)
		case e.State == string(stateFailed):
			refused = append(refused, e)
		}
	}
	for _, shop := range shops {
		if linked[shop.ID] {
			continue
		}
		if e, made := ours[shop.ID]; made {
			findings = append(findings, job.orphan(ctx, &shop, e))
			continue
		}
		if e, ok := takeAttemptLike(&inDoubt, &shop); ok {
			findings = append(findings, unconfirmed(&shop, e))
			continue
		}
		findings = append(findings, unknown(&shop, &refused))
	}
	return findings, nil
}

// takeAttemptLike finds, and takes from attempts, the oldest attempt that asked for a shop of that
// name and location: shop names need not be unique, but each attempt makes one shop at most.
func takeAttemptLike(attempts *[]Entry, shop *orgclient.Shop) (Entry, bool) {
	for i, e := range *attempts {
		if e.Store.Name == shop.Name && e.Store.Location == shop.Location {
			*attempts = slices.Delete(*attempts, i, i+1)
			return e, true
		}
	}
	return Entry{}, false
}

// unknown reports a shop this tool did not make, as far as its journal knows. When a refused
// attempt asked for a shop of the same name and location, it says so: a person may have made the
// shop by hand since, or, rarely, a version before this one closed a replay refused with a 429 as
// failed although the first request had made the shop.
func unknown(shop *orgclient.Shop, refused *[]Entry) Finding {
	f := Finding{Kind: UnknownShop, ShopID: shop.ID, Detail: fmt.Sprintf("%q: not made by this tool; left alone", shop.Name),
		// Reservations on for a shop the reservation service does not know is worth a look.
		NeedsPerson: shop.HasService(orgclient.Reservation)}
	if e, ok := takeAttemptLike(refused, shop); ok {
		f.PublicID = e.Store.PublicID
		f.Detail = fmt.Sprintf("%q: not made by this tool as far as its journal knows, though named and placed as its attempt on line %d "+
			"(key %s), which ended failed (%s); left alone", shop.Name, e.Line, e.Key, e.Error)
	}
	return f
}

// unconfirmed reports a shop that an attempt of this tool in doubt most likely made.
func unconfirmed(shop *orgclient.Shop, e Entry) Finding {
	return Finding{Kind: UnconfirmedShop, ShopID: shop.ID, PublicID: e.Store.PublicID, NeedsPerson: true,
		Detail: fmt.Sprintf("%q: named and placed as this tool's attempt on line %d (key %s, token fingerprint %s, journal: %s), "+
			"which recorded no shop; an import or `reconcile --fix` with that token replays it and proves it, "+
			"or settle it with `reconcile --resolve %s --shop %s`", shop.Name, e.Line, e.Key, orDash(e.TokenFingerprint), e.State, e.Key, shop.ID)}
}

func (job ReconcileJob) checkStore(ctx context.Context, store LinkedStore, shop *orgclient.Shop) []Finding {
	if shop == nil {
		return []Finding{{Kind: MissingShop, ShopID: store.ShopID, PublicID: store.PublicID, NeedsPerson: true,
			Detail: "the store's shop is gone from the platform; reservations for it cannot work"}}
	}
	var findings []Finding
	if !shop.HasService(orgclient.Reservation) {
		f := Finding{Kind: MissingService, ShopID: shop.ID, PublicID: store.PublicID, Detail: "the reservation service is off"}
		if job.Fix {
			updated, err := job.assign(ctx, shop.ID)
			if err != nil {
				f.Action, f.NeedsPerson = "turning reservations on failed: "+err.Error(), true
			} else {
				f.Action, shop = "turned reservations on", updated
			}
		} else {
			f.NeedsPerson = true
		}
		findings = append(findings, f)
	}
	if store.CacheName != shop.Name || store.CacheLocation != shop.Location || !slices.Equal(store.CacheServices, shop.Services) {
		f := Finding{Kind: StaleCache, ShopID: shop.ID, PublicID: store.PublicID,
			Detail: fmt.Sprintf("cache says %q at %q, the platform %q at %q", store.CacheName, store.CacheLocation, shop.Name, shop.Location)}
		if job.Fix {
			if err := job.Stores.RefreshCache(ctx, store.PublicID, shop, job.Clock.Now()); err != nil {
				f.Action, f.NeedsPerson = "refreshing the cache failed: "+err.Error(), true
			} else {
				f.Action = "refreshed the cache"
			}
		} else {
			f.NeedsPerson = true
		}
		findings = append(findings, f)
	}
	return findings
}

// orphan deals with a live shop this tool made that no store is linked to: with Fix it is
// deleted, and its journal attempt is closed as compensated so no later run tries to finish it.
// As in an import, the intent is journaled before the request.
func (job ReconcileJob) orphan(ctx context.Context, shop *orgclient.Shop, e Entry) Finding {
	f := Finding{Kind: OrphanShop, ShopID: shop.ID, PublicID: e.Store.PublicID,
		Detail: fmt.Sprintf("%q: made by this tool (journal: %s, line %d), no local store", shop.Name, e.State, e.Line)}
	if !job.Fix {
		f.NeedsPerson = true
		return f
	}
	f.NeedsPerson = true
	run := resumeRowRun(e, job.Journal, job.Clock)
	open := slices.Contains(unsettledStates, run.state)
	if open && run.state != stateCompensating {
		run.err = "deleted by reconcile: no local store was linked to it"
		if err := run.to(ctx, stateCompensating); err != nil {
			f.Action = "not deleted: recording it in the journal failed: " + err.Error()
			return f
		}
	}
	if linked, err := job.Stores.StoreOfShop(ctx, shop.ID); err != nil || linked != "" {
		f.Action = fmt.Sprintf("not deleted: store %q links it now (%v)", linked, err)
		return f
	}
	if err := job.fenced(ctx); err != nil {
		f.Action = "not deleted: " + err.Error()
		return f
	}
	if err := job.Platform.DeleteShop(ctx, job.NewKey()+"-delete", shop.ID); err != nil && !errors.Is(err, orgclient.ErrNotFound) {
		f.Action = "deleting it failed: " + err.Error()
		return f
	}
	f.Action, f.NeedsPerson = "deleted it", false
	if open {
		if err := run.to(ctx, stateCompensated); err != nil {
			f.Action, f.NeedsPerson = "deleted it; recording it in the journal failed: "+err.Error(), true
		}
	}
	return f
}

// fenced fails with ErrSuperseded once reconcile no longer holds the organization's lock; it is
// asked right before every mutation.
func (job ReconcileJob) fenced(ctx context.Context) error {
	if job.Lease == nil {
		return nil
	}
	return job.Lease.Check(ctx)
}

// inDoubt reports attempts whose createShop answer was never recorded. With Fix it replays each
// with its journaled key: the platform answers with the shop it made (never a second one), which
// then shows up below as an orphan of ours, or refuses, and the attempt is closed as failed.
func (job ReconcileJob) inDoubt(ctx context.Context) ([]Finding, error) {
	open, err := job.Journal.Unsettled(ctx, job.OrganizationID)
	if err != nil {
		return nil, err
	}
	var findings []Finding
	for _, e := range open {
		if e.ShopID != "" || (e.State != string(stateCreating) && e.State != string(stateNeedsAttention)) {
			continue
		}
		why := unreplayable(e, job.Clock.Now(), job.TokenFingerprint, "en")
		f := Finding{Kind: InDoubt, PublicID: e.Store.PublicID,
			Detail: fmt.Sprintf("createShop for %q (line %d, key %s) was sent but its answer never recorded; %s",
				e.Store.Name, e.Line, e.Key, cmp.Or(why, "the next import replays it"))}
		switch {
		case !job.Fix:
			f.NeedsPerson = true
		case why != "":
			f.NeedsPerson, f.Action = true, "not replayed: "+why
		default:
			f.Action, f.NeedsPerson = job.replayCreate(ctx, e)
		}
		findings = append(findings, f)
	}
	return findings, nil
}

func (job ReconcileJob) replayCreate(ctx context.Context, e Entry) (action string, needsPerson bool) {
	run := resumeRowRun(e, job.Journal, job.Clock)
	if err := job.fenced(ctx); err != nil {
		return "not replayed: " + err.Error(), true
	}
	shop, err := job.Platform.CreateShop(ctx, createKey(&e), e.OrganizationID, e.Store.Name, e.Store.Location)
	switch {
	case err != nil && !refusalSettles(err, true):
		return "replaying createShop settled nothing: " + err.Error(), true
	case err != nil:
		run.err = "createShop refused on replay: " + err.Error()
		if err := run.to(ctx, stateFailed); err != nil {
			return "recording it in the journal failed: " + err.Error(), true
		}
		return "replayed createShop: the platform had made no shop", false
	}
	run.entry.ShopID, run.err = shop.ID, ""
	if err := run.to(ctx, stateCreated); err != nil {
		return "recording it in the journal failed: " + err.Error(), true
	}
	return "replayed createShop: the platform had made shop " + shop.ID, false
}

// assign turns reservations on for a shop, if reconcile still holds the lock.
func (job ReconcileJob) assign(ctx context.Context, shopID string) (*orgclient.Shop, error) {
	if err := job.fenced(ctx); err != nil {
		return nil, err
	}
	return job.Platform.AssignReservation(ctx, job.NewKey()+"-assign", job.OrganizationID, shopID)
}
