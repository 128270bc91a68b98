package importer

import (
	"context"
	"errors"
)

// Progress follows a run for the person watching it (on stderr); the report itself goes to the
// Reporter.
type Progress interface {
	// Begin is called once, before the first row is tried: what the run is about to do.
	Begin(Outlook)
	// Row is called as each row is reported, in file order.
	Row(Result)
	// End is called once every row is reported.
	End(*Summary)
}

// Outlook is what a run expects to do, known before its first mutation.
type Outlook struct {
	Rows     int
	Create   int // valid rows not in the local database
	Skip     int // valid rows already imported
	Invalid  int
	Requests int // platform requests the creates imply, at the least
	DryRun   bool
}

// requestsPerCreate are createShop and assignServiceToOrganization.
const requestsPerCreate = 2

// outlook counts what the run will do. With a database to ask, that takes one more read of the
// file and a lookup per valid row; without one, every valid row counts as a create.
func (r *runner) outlook(ctx context.Context) (Outlook, error) {
	o := Outlook{Rows: r.plan.Rows, Invalid: r.plan.Invalid, DryRun: r.job.DryRun}
	lookup := r.lookup()
	if lookup != nil {
		var lookupErr error
		_, err := eachRow(r.job.Path, r.job.Encoding, func(row *Row) {
			if lookupErr != nil || len(row.Problems) > 0 || r.plan.duplicateOf(row.Store.PublicID) != "" {
				return
			}
			store, err := lookup.LookupStore(ctx, row.Store.PublicID)
			if err != nil {
				lookupErr = err
			}
			if store != nil && store.OrganizationID == r.job.OrganizationID {
				o.Skip++
			}
		})
		if err := errors.Join(err, lookupErr); err != nil {
			return o, err
		}
	}
	o.Create = max(o.Rows-o.Invalid-o.Skip, 0)
	if !r.job.DryRun {
		o.Requests = o.Create * requestsPerCreate
	}
	return o, nil
}

// lookup is the database a row's "already imported?" is asked of, or nil when none is consulted.
func (r *runner) lookup() StoreLookup {
	if r.job.DryRun {
		return r.job.Lookup
	}
	return r.job.Stores
}
