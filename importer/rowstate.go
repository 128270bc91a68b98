package importer

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/acme/storeimport/orgclient"
)

// Status is what the report says became of a row. The values are the spec's report statuses.
type Status string

const (
	StatusCreated        Status = "created"
	StatusSkipped        Status = "skipped"         // already in the local database
	StatusInvalid        Status = "invalid"         // the row breaks a rule; nothing was sent for it
	StatusFailed         Status = "failed"          // nothing is left behind on the platform
	StatusNeedsAttention Status = "needs_attention" // a platform shop may exist with no local store
	StatusNotAttempted   Status = "not_attempted"   // the run stopped before this row
	StatusWouldCreate    Status = "would_create"
	StatusWouldSkip      Status = "would_skip"
)

// Statuses lists every status in the order summaries print them.
var Statuses = []Status{
	StatusCreated, StatusSkipped, StatusWouldCreate, StatusWouldSkip,
	StatusInvalid, StatusFailed, StatusNeedsAttention, StatusNotAttempted,
}

// rowState is where a row stands in its pipeline. This table is the one description of the row's
// life: every change of state goes through (*rowRun).to, which refuses any move not listed here,
// and from creating on every state is a committed write to the journal before the next request.
//
//	pending ──► invalid | skipped | would_create | would_skip | not_attempted
//	pending ──► creating ──► created ──► assigned ──► done
//	              │             ▲  │            │
//	              │             │  └────────────┴──► compensating ──► compensated
//	              │             │                          │    ▲
//	              │   (replay)  │                          ▼    │ (retried by the next run)
//	              ├──► needs_attention ◄───────────────────┘────┘
//	              │     (no answer: a shop may exist; the next run replays the key, or, with a
//	              │      shop id, deletes it again; only a platform rule refusing the replay
//	              │      ends it failed: a 429, 401 or PERMISSION_DENIED proves nothing;
//	              │      reconcile --fix replays too, and --resolve records a person's verdict)
//	              └──► failed            (the platform refused: nothing was made)
//
//	compensating ──► done   (the shop is linked to the row's own store: never deleted)
type rowState string

const (
	statePending        rowState = "pending"
	stateInvalid        rowState = "invalid"
	stateSkipped        rowState = "skipped"
	stateWouldCreate    rowState = "would_create"
	stateWouldSkip      rowState = "would_skip"
	stateNotAttempted   rowState = "not_attempted"
	stateCreating       rowState = "creating"
	stateCreated        rowState = "created"
	stateAssigned       rowState = "assigned"
	stateDone           rowState = "done"
	stateCompensating   rowState = "compensating"
	stateCompensated    rowState = "compensated"
	stateFailed         rowState = "failed"
	stateNeedsAttention rowState = "needs_attention"
)

var transitions = map[rowState][]rowState{
	statePending:  {stateInvalid, stateSkipped, stateWouldCreate, stateWouldSkip, stateNotAttempted, stateCreating},
	stateCreating: {stateCreated, stateFailed, stateNeedsAttention},
	stateCreated:  {stateAssigned, stateCompensating},
	stateAssigned: {stateDone, stateCompensating},
	// done from compensating: the shop turned out to be linked to the row's own store.
	stateCompensating: {stateCompensated, stateNeedsAttention, stateDone},
	// Only a later run moves a row on from here: recovery or reconcile --fix replaying createShop
	// (no shop id known) or retrying deleteShop (shop id known), or a person's --resolve.
	stateNeedsAttention: {stateCreated, stateFailed, stateCompensating},
}

// finalStatus is the report status of each state a row can end a run in.
var finalStatus = map[rowState]Status{
	stateInvalid:        StatusInvalid,
	stateSkipped:        StatusSkipped,
	stateWouldCreate:    StatusWouldCreate,
	stateWouldSkip:      StatusWouldSkip,
	stateNotAttempted:   StatusNotAttempted,
	stateDone:           StatusCreated,
	stateCompensated:    StatusFailed,
	stateFailed:         StatusFailed,
	stateNeedsAttention: StatusNeedsAttention,
}

// unsettledStates are the journal states an earlier run may have left for the next to settle.
var unsettledStates = []rowState{stateCreating, stateCreated, stateAssigned, stateCompensating, stateNeedsAttention}

func (s rowState) canMoveTo(next rowState) bool {
	for _, allowed := range transitions[s] {
		if allowed == next {
			return true
		}
	}
	return false
}

// rowRun follows one row through its states and collects what the report will say of it.
type rowRun struct {
	row     *Row
	state   rowState
	entry   Entry // the journal's record, once the row reached creating
	err     string
	journal Journal
	clock   Clock

	unanswered bool // some platform call of this row got no answer, even after retries
	replay     bool // an earlier run sent this attempt's createShop: a refusal now proves little
	// justJournaled: the last thing done for the row was a journal write, which checked that the
	// run still holds its lock; no platform request since.
	justJournaled bool
}

func newRowRun(row *Row, journal Journal, clock Clock) *rowRun {
	return &rowRun{row: row, state: statePending, journal: journal, clock: clock}
}

// resumeRowRun picks up an attempt an earlier run left unsettled.
func resumeRowRun(e Entry, journal Journal, clock Clock) *rowRun {
	row := &Row{Line: e.Line, Store: e.Store}
	return &rowRun{row: row, state: rowState(e.State), entry: e, err: e.Error, journal: journal, clock: clock, replay: true}
}

// to moves the row on and, from creating on, commits the move to the journal. A move the table
// does not allow is a bug in the pipeline, not bad input.
func (r *rowRun) to(ctx context.Context, next rowState) error {
	if !r.state.canMoveTo(next) {
		panic(fmt.Sprintf("row on line %d: no transition from %s to %s", r.row.Line, r.state, next))
	}
	from := r.state
	r.state = next
	r.entry.State, r.entry.Error = string(next), r.err
	var err error
	switch {
	case next == stateCreating:
		err = r.journal.Begin(ctx, &r.entry, r.clock.Now())
	case r.entry.ID != 0:
		err = r.journal.Record(ctx, &r.entry, string(from), r.clock.Now())
	default:
		return nil
	}
	r.justJournaled = err == nil
	return err
}

// complete stores the row locally and marks it done, in one transaction.
func (r *rowRun) complete(ctx context.Context, shop *orgclient.Shop) error {
	if !r.state.canMoveTo(stateDone) {
		panic(fmt.Sprintf("row on line %d: no transition from %s to done", r.row.Line, r.state))
	}
	if err := r.journal.Complete(ctx, &r.entry, shop, r.clock.Now()); err != nil {
		return err
	}
	r.state, r.entry.State = stateDone, string(stateDone)
	return nil
}

// result is the row's line in the report; the row must have reached a final state.
func (r *rowRun) result() Result {
	status, final := finalStatus[r.state]
	if !final {
		panic(fmt.Sprintf("row on line %d reported in non-final state %s", r.row.Line, r.state))
	}
	// A failed row's shop was deleted again; only a shop that still stands is reported.
	shopID := r.entry.ShopID
	if status == StatusFailed {
		shopID = ""
	}
	return Result{Line: r.row.Line, PublicID: r.row.Store.PublicID, Status: status, ShopID: shopID, Error: r.err, Row: r.row}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// leave ends the row for this run without a journal write: the journal keeps the last state it
// recorded, which the next run settles; this run can only say that the row needs a person. It is
// for when the journal cannot be written, or the platform cannot tell what became of the shop.
func (r *rowRun) leave(reason string) {
	r.err = reason
	r.state = stateNeedsAttention
}

// journalBroken leaves a row whose journal write failed, or whose run was taken over. When not
// even the intent was recorded, nothing was sent for the row and it was simply not attempted.
func (r *rowRun) journalBroken(err error, lang string) {
	superseded := errors.Is(err, ErrSuperseded)
	switch {
	case r.entry.ID == 0 && superseded:
		r.err, r.state = msgSupersededBefore.in(lang, err), stateNotAttempted
	case r.entry.ID == 0:
		r.err, r.state = msgJournalBrokenBefore.in(lang, err), stateNotAttempted
	case superseded:
		r.leave(msgSuperseded.in(lang, err))
	default:
		r.leave(msgJournalBroken.in(lang, err))
	}
}
