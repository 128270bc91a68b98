package importer

import (
	"context"
	"time"

	"github.com/acme/storeimport/orgclient"
)

// keyLifetime is how long the platform keeps an Idempotency-Key's answer (24 h), less a margin:
// an attempt in doubt for longer can no longer be replayed safely, since the platform would
// treat the replay as a new request and make a second shop.
const keyLifetime = 23 * time.Hour

// settle finishes what earlier runs of this organization left unfinished, before any new row is
// tried, deciding only from the journal and the platform's answers:
//   - creating, or needs_attention with no shop: replay createShop with the attempt's key; the
//     platform answers with the shop it already made, or makes it now, never a second one;
//   - created or assigned: ask for the shop; finish the assign and the local insert, or, if the
//     shop is gone, record that;
//   - compensating, or needs_attention with a shop: delete it again (NOT_FOUND counts as done).
//
// What still cannot be settled stays needs_attention with the shop id and the reason, and is
// reported: at its row when the file has it, and among the earlier runs' rows otherwise.
func (r *runner) settle(ctx context.Context, entries []Entry) {
	for _, e := range entries {
		if r.stopped() { // what is left stays in the journal for the next run
			return
		}
		run := resumeRowRun(e, r.job.Journal, r.job.Clock)
		if err := r.resume(rowContext(ctx, run), run); err != nil {
			run.journalBroken(err, r.job.Lang)
			r.stopOn(err)
		}
		res := run.result()
		r.job.Log.Info("settled a row an earlier run left unfinished",
			"public_id", res.PublicID, "line", e.Line, "was", e.State, "now", run.state, "shop_id", res.ShopID)
		if res.Status == StatusNeedsAttention {
			r.unsettled[res.PublicID] = res
		}
	}
}

// unreplayable says why the attempt's createShop, whose answer the journal lacks, must not be
// replayed, or "" when it may be (or has a shop, and needs no replay). Its key may be older than
// the platform keeps answers, or belong to another token: either way the platform would take the
// replay for a new request and make a second shop. Settling such an attempt sends nothing and
// leaves it needs_attention. So does an attempt journaled before tokens were fingerprinted: which
// token sent it is unknown.
func unreplayable(e Entry, now time.Time, fingerprint, lang string) string {
	switch {
	case e.ShopID != "":
		return ""
	case now.Sub(e.BeganAt) > keyLifetime:
		return msgInDoubtTooLong.in(lang)
	case e.TokenFingerprint == "":
		return msgTokenUnknown.in(lang)
	case e.TokenFingerprint != fingerprint:
		return msgOtherToken.in(lang, e.BeganAt.Local().Format(time.DateTime), e.TokenFingerprint, fingerprint)
	}
	return ""
}

func (r *runner) unreplayable(e Entry) string {
	return unreplayable(e, r.job.Clock.Now(), r.job.TokenFingerprint, r.job.Lang)
}

func (r *runner) resume(ctx context.Context, run *rowRun) error {
	switch run.state {
	case stateCreating, stateNeedsAttention:
		if run.entry.ShopID != "" {
			return r.compensate(ctx, run, msgEarlierCompensation.in(r.job.Lang))
		}
		if why := r.unreplayable(run.entry); why != "" {
			run.err = why
			if run.state == stateCreating {
				return run.to(ctx, stateNeedsAttention)
			}
			return nil
		}
		return r.create(ctx, run)
	case stateCreated, stateAssigned:
		return r.resumeShop(ctx, run)
	case stateCompensating:
		return r.compensate(ctx, run, msgEarlierCompensation.in(r.job.Lang))
	}
	return nil
}

// resumeShop completes an attempt whose shop was made: the shop's own state on the platform decides.
func (r *runner) resumeShop(ctx context.Context, run *rowRun) error {
	shop, err := r.job.Platform.Shop(ctx, run.entry.ShopID)
	r.notePlatform(run, err)
	switch {
	case err != nil:
		run.leave(msgStillUnsettled.in(r.job.Lang, run.entry.ShopID, err))
		return nil
	case shop == nil:
		return r.compensate(ctx, run, msgShopVanished.in(r.job.Lang, run.entry.ShopID))
	case run.state == stateCreated:
		return r.assign(ctx, run)
	case !shop.HasService(orgclient.Reservation):
		// Recorded as assigned, yet the service is off: turn it on again before storing.
		if err := r.fenced(ctx, run); err != nil {
			return err
		}
		shop, err = r.job.Platform.AssignReservation(ctx, assignKey(&run.entry, r.runID), run.entry.OrganizationID, run.entry.ShopID)
		r.notePlatform(run, err)
		if err != nil {
			return r.compensate(ctx, run, msgAssignFailed.in(r.job.Lang, err))
		}
	}
	return r.store(ctx, run, shop)
}
