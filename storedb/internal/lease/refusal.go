package lease

import (
	"errors"
	"fmt"

	"github.com/acme/storeimport/importer"
)

// Lookups are how a database answers, after a fenced journal write matched nothing, what it holds
// now: who holds the organization's lock (found false when no run does), and the entry's state
// (found false when it is gone).
type Lookups struct {
	Holder func() (holder string, found bool, err error)
	State  func() (state string, found bool, err error)
}

// Refusal explains a fenced journal write that matched nothing: the lock was lost, or the entry
// is no longer in the state the writer expected, which means another run has moved it on. Both
// are importer.ErrSuperseded. fenced is whether the write required holder's lock; entryID is 0 for
// a new attempt.
func Refusal(org, holder string, fenced bool, entryID int64, expected string, look Lookups) error {
	if fenced {
		now, found, err := look.Holder()
		if err != nil {
			return err
		}
		if !found || now != holder {
			return fmt.Errorf("%w: another run holds the lock of organization %s now", importer.ErrSuperseded, org)
		}
	}
	if entryID == 0 {
		return errors.New("the journal refused a new attempt although this run holds the lock")
	}
	state, found, err := look.State()
	switch {
	case err != nil:
		return err
	case !found:
		return fmt.Errorf("journal entry %d is missing", entryID)
	}
	return fmt.Errorf("%w: journal entry %d is %s, not %s as this run left it", importer.ErrSuperseded, entryID, state, expected)
}
