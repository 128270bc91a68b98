package importer

import "fmt"

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
// life: every change of state goes through (*rowRun).to, which refuses any move not listed here.
//
//	pending ──► invalid | skipped | would_create | would_skip | not_attempted
//	pending ──► creating ──► created ──► assigned ──► done
//	                │           │            │
//	                │           └────────────┴──► compensating ──► compensated
//	                │                                   └────────► needs_attention
//	                ├──► failed            (the platform refused: nothing was made)
//	                └──► needs_attention   (no answer: a shop may have been made)
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
	statePending:      {stateInvalid, stateSkipped, stateWouldCreate, stateWouldSkip, stateNotAttempted, stateCreating},
	stateCreating:     {stateCreated, stateFailed, stateNeedsAttention},
	stateCreated:      {stateAssigned, stateCompensating},
	stateAssigned:     {stateDone, stateCompensating},
	stateCompensating: {stateCompensated, stateNeedsAttention},
}

// finalStatus is the report status of each state a row can end in.
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
	row    *Row
	state  rowState
	shopID string // the platform shop this row made, while it may exist
	err    string // why the row did not end as created or skipped

	unanswered bool // some platform call of this row got no answer, even after retries
}

func newRowRun(row *Row) *rowRun {
	return &rowRun{row: row, state: statePending}
}

// to moves the row on. A move the table does not allow is a bug in the pipeline, not bad input.
func (r *rowRun) to(next rowState) {
	if !r.state.canMoveTo(next) {
		panic(fmt.Sprintf("row on line %d: no transition from %s to %s", r.row.Line, r.state, next))
	}
	r.state = next
}

// result is the row's line in the report; the row must have reached a final state.
func (r *rowRun) result() Result {
	status, final := finalStatus[r.state]
	if !final {
		panic(fmt.Sprintf("row on line %d reported in non-final state %s", r.row.Line, r.state))
	}
	// A failed row's shop was deleted again; only a shop that still stands is reported.
	shopID := r.shopID
	if status == StatusFailed {
		shopID = ""
	}
	return Result{Line: r.row.Line, PublicID: r.row.Store.PublicID, Status: status, ShopID: shopID, Error: r.err, Row: r.row}
}
