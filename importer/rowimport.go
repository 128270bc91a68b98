package importer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/acme/storeimport/orgclient"
)

// problems renders everything wrong with the row itself, or "" when it may be imported. A
// public_id on other lines too joins the row's problems, so that an errors workbook marks its
// cell as it does the others'.
func (r *runner) problems(row *Row) string {
	if dup, ok := r.plan.duplicate(row); ok {
		row.Problems = append(row.Problems, dup)
	}
	all := make([]string, len(row.Problems))
	for i, p := range row.Problems {
		all[i] = p.Render(r.job.Lang)
	}
	return strings.Join(all, "; ")
}

// alreadyImported settles a row whose store is in the local database: skipped when it belongs to
// this organization, invalid when the public_id is taken by another.
func (r *runner) alreadyImported(ctx context.Context, run *rowRun) bool {
	lookup := r.lookup()
	if lookup == nil {
		return false
	}
	store, err := lookup.LookupStore(ctx, run.row.Store.PublicID)
	if err != nil {
		run.err = err.Error()
		run.to(ctx, stateNotAttempted)
		return true
	}
	if store == nil {
		return false
	}
	if store.OrganizationID != r.job.OrganizationID {
		run.err = msgOtherOrganization.in(r.job.Lang, store.PublicID, store.OrganizationID)
		run.to(ctx, stateInvalid)
		return true
	}
	run.entry.ShopID = store.PlatformShopID
	if changed := changedColumns(store.Imported, run.row.Store, r.job.Lang); changed != "" {
		run.err = msgImportedDiffers.in(r.job.Lang, changed)
	}
	if r.job.DryRun {
		run.to(ctx, stateWouldSkip)
	} else {
		run.to(ctx, stateSkipped)
	}
	return true
}

// changedColumns names, in lang, the columns whose values in the file differ from those the
// store was imported with, or "" when none does.
func changedColumns(imported, now Store, lang string) string {
	var changed []string
	for _, c := range []struct{ column, was, is string }{
		{"name", imported.Name, now.Name},
		{"location", imported.Location, now.Location},
		{"industry", imported.Industry, now.Industry},
		{"phone", imported.Phone, now.Phone},
	} {
		if c.was != c.is {
			changed = append(changed, columns[columnByKey[headerKey(c.column)]].Header(lang))
		}
	}
	return strings.Join(changed, ", ")
}

// dryRun reports what an import would do with a valid row not yet imported, counting it against
// the organization's shop limit when the platform was asked for it.
func (r *runner) dryRun(ctx context.Context, run *rowRun) {
	if r.shopLimit >= 0 && r.liveShops+r.wouldCreate >= r.shopLimit {
		run.err = msgOverShopLimit.in(r.job.Lang, r.job.OrganizationID, r.shopLimit, r.liveShops+r.wouldCreate)
		run.to(ctx, stateInvalid)
		return
	}
	r.wouldCreate++
	run.to(ctx, stateWouldCreate)
}

// rowContext keeps an interrupt from cutting a row between two steps (the row's calls outlive the
// run's context) and tags the row's platform requests in the logs.
func rowContext(ctx context.Context, run *rowRun) context.Context {
	return orgclient.WithLogAttrs(context.WithoutCancel(ctx),
		slog.String("public_id", run.row.Store.PublicID), slog.Int("line", run.row.Line))
}

// importRow journals a new attempt at the row, then creates the shop, turns reservations on and
// stores it locally.
func (r *runner) importRow(ctx context.Context, run *rowRun) error {
	ctx = rowContext(ctx, run)
	run.entry = Entry{
		RunID:          r.runID,
		OrganizationID: r.job.OrganizationID,
		Line:           run.row.Line,
		Store:          run.row.Store,
		Key:            r.job.NewKey(),

		TokenFingerprint: r.job.TokenFingerprint,
	}
	if err := run.to(ctx, stateCreating); err != nil {
		return err
	}
	return r.create(ctx, run)
}

// create sends (or, for an attempt an earlier run left in doubt, replays) createShop with the
// attempt's own key, then goes on.
func (r *runner) create(ctx context.Context, run *rowRun) error {
	store, lang := run.entry.Store, r.job.Lang
	if err := r.fenced(ctx, run); err != nil {
		return err
	}
	shop, err := r.job.Platform.CreateShop(ctx, createKey(&run.entry), run.entry.OrganizationID, store.Name, store.Location)
	r.notePlatform(run, err)
	switch {
	case err != nil && !refusalSettles(err, run.replay):
		run.err = inDoubtReason(lang, err)
		if run.state == stateNeedsAttention { // a replay by a later run, still in doubt: it stays so
			return nil
		}
		return run.to(ctx, stateNeedsAttention)
	case errors.Is(err, orgclient.ErrNotSent):
		run.err = msgCreateNotSent.in(lang, err)
		return run.to(ctx, stateFailed)
	case err != nil:
		run.err = msgCreateRefused.in(lang, err)
		return run.to(ctx, stateFailed)
	}
	run.entry.ShopID, run.err = shop.ID, ""
	if err := run.to(ctx, stateCreated); err != nil {
		return err
	}
	return r.assign(ctx, run)
}

// refusalSettles says whether a refused createShop proves that its key made no shop. A first
// request refused outright made nothing (a refusal after an unanswered try comes back as
// unanswered). A replay's refusal proves something only when it is about the request itself, as a
// platform rule's is: a 429, a 401 or PERMISSION_DENIED speaks of this try, not of the first one.
func refusalSettles(err error, replay bool) bool {
	switch {
	case orgclient.OutcomeUnknown(err):
		return false
	case !replay:
		return true
	}
	return errors.Is(err, orgclient.ErrInvalidInput) || errors.Is(err, orgclient.ErrShopLimitExceeded)
}

// inDoubtReason says why a createShop that was not settled leaves the row in doubt.
func inDoubtReason(lang string, err error) string {
	if orgclient.OutcomeUnknown(err) {
		return msgCreateUnknown.in(lang, err)
	}
	return msgReplayRefused.in(lang, err)
}

// assign turns reservations on for the row's shop, then stores the row.
func (r *runner) assign(ctx context.Context, run *rowRun) error {
	if err := r.fenced(ctx, run); err != nil {
		return err
	}
	shop, err := r.job.Platform.AssignReservation(ctx, assignKey(&run.entry, r.runID), run.entry.OrganizationID, run.entry.ShopID)
	r.notePlatform(run, err)
	if err != nil {
		return r.compensate(ctx, run, msgAssignFailed.in(r.job.Lang, err))
	}
	if err := run.to(ctx, stateAssigned); err != nil {
		return err
	}
	return r.store(ctx, run, shop)
}

// store inserts the store locally and marks the row done in one transaction; when that fails the
// shop is taken back, unless another run took over: then the shop is that run's to settle.
func (r *runner) store(ctx context.Context, run *rowRun, shop *orgclient.Shop) error {
	err := run.complete(ctx, shop)
	if err == nil || errors.Is(err, ErrSuperseded) {
		return err
	}
	return r.compensate(ctx, run, msgInsertFailed.in(r.job.Lang, err))
}

// compensate deletes the shop the row made. NOT_FOUND means it is already gone, which is the goal.
// When the deletion fails the row needs attention, and the next run tries again.
func (r *runner) compensate(ctx context.Context, run *rowRun, cause string) error {
	run.err = cause
	if run.state != stateCompensating { // a later run retrying a compensation is already there
		if err := run.to(ctx, stateCompensating); err != nil {
			return err
		}
	}
	if err := r.fenced(ctx, run); err != nil {
		return err
	}
	linked, err := r.job.Stores.StoreOfShop(ctx, run.entry.ShopID)
	if err != nil {
		return err
	}
	switch linked {
	case "":
	case run.entry.Store.PublicID: // the row's own store has the shop: the import did complete
		run.err = ""
		return run.to(ctx, stateDone)
	default:
		run.leave(msgShopLinked.in(r.job.Lang, cause, run.entry.ShopID, linked))
		return nil
	}
	err = r.job.Platform.DeleteShop(ctx, deleteKey(&run.entry, r.runID), run.entry.ShopID)
	r.notePlatform(run, err)
	if err != nil && !errors.Is(err, orgclient.ErrNotFound) {
		run.err = msgCompensationFailed.in(r.job.Lang, cause, run.entry.ShopID, err)
		return run.to(ctx, stateNeedsAttention)
	}
	run.err = msgCompensated.in(r.job.Lang, cause, run.entry.ShopID)
	return run.to(ctx, stateCompensated)
}

// notePlatform stops the run at once when every further row would meet the same end: the token
// refused, or the endpoint redirecting elsewhere. It also remembers that the row could not reach
// the platform. Every platform request of a row is followed by it.
func (r *runner) notePlatform(run *rowRun, err error) {
	run.justJournaled = false
	switch {
	case errors.Is(err, orgclient.ErrUnauthenticated), errors.Is(err, orgclient.ErrPermissionDenied):
		r.stop("the platform refused the token (" + err.Error() + "); check the token and --org")
	case errors.Is(err, orgclient.ErrRedirected):
		r.stop(err.Error())
	case errors.Is(err, orgclient.ErrUnavailable), errors.Is(err, orgclient.ErrRateLimited):
		run.unanswered = true
	}
}

// countUnanswered stops the run once the platform has not answered for several rows in a row:
// past that, each further row would only wait out its retries.
func (r *runner) countUnanswered(run *rowRun) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !run.unanswered {
		r.unavailableRows = 0
		return
	}
	r.unavailableRows++
	if r.unavailableRows >= unavailableRowsToStop && r.summary.StopReason == "" {
		r.summary.StopReason = fmt.Sprintf("the platform did not answer for %d rows in a row; try again later: a rerun skips what was imported", r.unavailableRows)
	}
}
