package importer

import (
	"context"
	"os"
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
	Rows    int
	Counted bool // whether the counts below are known: a dry run with no database does not count ahead
	Create  int  // valid rows not in the local database, nor left unfinished
	Skip    int  // valid rows already imported
	Invalid int  // invalid rows, and rows whose public_id another organization has
	// Unfinished are the attempts earlier runs left unfinished, in the file or not, settled before
	// the rows. Their rows are in none of the counts above: settling decides whether such a row is
	// then imported, created afresh (its earlier shop deleted) or left needing attention.
	Unfinished int
	Requests   int // platform requests the creates and the settling imply, at the least
	DryRun     bool
}

// requestsPerCreate are createShop and assignServiceToOrganization; settling an attempt takes
// at least one request (a replay, a query or a delete).
const (
	requestsPerCreate = 2
	requestsPerSettle = 1
)

// outlook counts what the run will do, with one more read of the file that checks every row and
// asks the database about the valid ones. A dry run with no database to ask skips it: it sends
// nothing, so there is nothing to forecast, and the file is read once less.
func (r *runner) outlook(ctx context.Context, unfinished []Entry) (Outlook, error) {
	o := Outlook{Rows: r.plan.Rows, DryRun: r.job.DryRun, Unfinished: len(unfinished)}
	settling := make(map[string]bool, len(unfinished))
	for _, e := range unfinished {
		settling[e.Store.PublicID] = true
		if r.unreplayable(e) == "" {
			o.Requests += requestsPerSettle
		}
	}
	lookup := r.lookup()
	if lookup == nil {
		return o, nil
	}
	f, err := os.Open(r.job.Path)
	if err != nil {
		return o, err
	}
	defer f.Close()
	reader, err := NewReader(f, r.readOptions())
	if err != nil {
		return o, err
	}
	defer reader.Close()
	err = readRows(reader, func(row *Row) error {
		if len(row.Problems) > 0 || r.plan.duplicated(row.Store.PublicID) {
			o.Invalid++
			return nil
		}
		if settling[row.Store.PublicID] {
			return nil
		}
		store, err := lookup.LookupStore(ctx, row.Store.PublicID)
		switch {
		case store == nil:
			o.Create++
		case store.OrganizationID == r.job.OrganizationID:
			o.Skip++
		default:
			o.Invalid++ // as alreadyImported will find it
		}
		return err
	})
	if err != nil {
		return o, err
	}
	o.Counted = true
	if !r.job.DryRun {
		o.Requests += o.Create * requestsPerCreate
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
