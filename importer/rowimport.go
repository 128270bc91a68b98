package importer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/acme/storeimport/orgclient"
)

// problems renders everything wrong with the row itself, or "" when it may be imported.
func (r *runner) problems(row *Row) string {
	var all []string
	for _, p := range row.Problems {
		all = append(all, p.Render(r.job.Lang))
	}
	if lines := r.plan.duplicateOf(row.Store.PublicID); lines != "" {
		all = append(all, msgDuplicate.in(r.job.Lang, row.Store.PublicID, lines))
	}
	return strings.Join(all, "; ")
}

// alreadyImported settles a row whose store is in the local database: skipped when it belongs to
// this organization, invalid when the public_id is taken by another.
func (r *runner) alreadyImported(ctx context.Context, run *rowRun) bool {
	lookup := r.job.Lookup
	if !r.job.DryRun {
		lookup = r.job.Stores
	}
	if lookup == nil {
		return false
	}
	store, err := lookup.LookupStore(ctx, run.row.Store.PublicID)
	if err != nil {
		run.err = err.Error()
		run.to(stateNotAttempted)
		return true
	}
	if store == nil {
		return false
	}
	if store.OrganizationID != r.job.OrganizationID {
		run.err = msgOtherOrganization.in(r.job.Lang, store.PublicID, store.OrganizationID)
		run.to(stateInvalid)
		return true
	}
	run.shopID = store.PlatformShopID
	if r.job.DryRun {
		run.to(stateWouldSkip)
	} else {
		run.to(stateSkipped)
	}
	return true
}

// dryRun reports what an import would do with a valid row not yet imported, counting it against
// the organization's shop limit when the platform was asked for it.
func (r *runner) dryRun(run *rowRun) {
	if r.shopLimit >= 0 && r.liveShops+r.wouldCreate >= r.shopLimit {
		run.err = msgOverShopLimit.in(r.job.Lang, r.job.OrganizationID, r.shopLimit, r.liveShops+r.wouldCreate)
		run.to(stateInvalid)
		return
	}
	r.wouldCreate++
	run.to(stateWouldCreate)
}

// importRow creates the shop, turns reservations on and stores it locally. When a step after
// createShop fails, the shop is deleted again so that the platform is left as it was; only when
// that fails too does the row need a person, and then the report carries the shop id.
func (r *runner) importRow(ctx context.Context, run *rowRun) {
	// An interrupt must not cut a row between two steps: the row's own calls outlive the run's ctx.
	ctx = orgclient.WithLogAttrs(context.WithoutCancel(ctx),
		slog.String("public_id", run.row.Store.PublicID), slog.Int("line", run.row.Line))
	store, org, lang := run.row.Store, r.job.OrganizationID, r.job.Lang
	key := r.job.NewKey()

	run.to(stateCreating)
	shop, err := r.job.Platform.CreateShop(ctx, key+"-create", org, store.Name, store.Location)
	r.notePlatform(run, err)
	switch {
	case err != nil && orgclient.OutcomeUnknown(err):
		run.err = msgCreateUnknown.in(lang, err)
		run.to(stateNeedsAttention)
		return
	case err != nil:
		run.err = msgCreateRefused.in(lang, err)
		run.to(stateFailed)
		return
	}
	run.shopID = shop.ID
	run.to(stateCreated)

	shop, err = r.job.Platform.AssignReservation(ctx, key+"-assign", org, shop.ID)
	r.notePlatform(run, err)
	if err != nil {
		r.compensate(ctx, run, key, msgAssignFailed.in(lang, err))
		return
	}
	run.to(stateAssigned)

	if err := r.job.Stores.InsertStore(ctx, org, store, shop, r.job.Clock.Now()); err != nil {
		r.compensate(ctx, run, key, msgInsertFailed.in(lang, err))
		return
	}
	run.to(stateDone)
}

// compensate deletes the shop the row made. NOT_FOUND means it is already gone, which is the goal.
func (r *runner) compensate(ctx context.Context, run *rowRun, key, cause string) {
	run.to(stateCompensating)
	err := r.job.Platform.DeleteShop(ctx, key+"-delete", run.shopID)
	r.notePlatform(run, err)
	if err != nil && !errors.Is(err, orgclient.ErrNotFound) {
		run.err = msgCompensationFailed.in(r.job.Lang, cause, run.shopID, err)
		run.to(stateNeedsAttention)
		return
	}
	run.err = msgCompensated.in(r.job.Lang, cause, run.shopID)
	run.to(stateCompensated)
}

// notePlatform stops the run at once when the token is refused (every further row would be
// refused too), and remembers that the row could not reach the platform.
func (r *runner) notePlatform(run *rowRun, err error) {
	switch {
	case errors.Is(err, orgclient.ErrUnauthenticated), errors.Is(err, orgclient.ErrPermissionDenied):
		r.summary.StopReason = "the platform refused the token (" + err.Error() + "); check the token and --org"
	case errors.Is(err, orgclient.ErrUnavailable), errors.Is(err, orgclient.ErrRateLimited):
		run.unanswered = true
	}
}

// countUnanswered stops the run once the platform has not answered for several rows in a row:
// past that, each further row would only wait out its retries.
func (r *runner) countUnanswered(run *rowRun) {
	if !run.unanswered {
		r.unavailableRows = 0
		return
	}
	r.unavailableRows++
	if r.unavailableRows >= unavailableRowsToStop && r.summary.StopReason == "" {
		r.summary.StopReason = fmt.Sprintf("the platform did not answer for %d rows in a row; try again later: a rerun skips what was imported", r.unavailableRows)
	}
}
