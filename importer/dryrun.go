package importer

import "context"

// OpenLookup opens, read-only, the database a dry run looks stores up in. It returns a nil
// StoreLookup when there is nothing to look up (a database not made yet), and a release to call
// when the run is over.
type OpenLookup func(ctx context.Context) (StoreLookup, func(), error)

// DryRun is validate's run of job's file, for the command line and the support page alike: read
// the whole file (a *FileError when it cannot be), warn of what the reader ignores, look stores up
// where open finds a database (nil open: nowhere), then report every row as import would treat it,
// sending no mutation and writing nothing but the report and the errors file.
func DryRun(ctx context.Context, job Job, open OpenLookup) (*Summary, error) {
	job.DryRun = true
	plan, err := job.Scan()
	if err != nil {
		return nil, err
	}
	// The database is opened only for a readable file, so that a bad file is refused before it.
	if open != nil {
		lookup, release, err := open(ctx)
		if err != nil {
			return nil, err
		}
		defer release()
		job.Lookup = lookup
	}
	return Run(ctx, job, plan)
}

// Scan is Scan of job's file as its settings say, warning job.Log of what the reader ignores.
func (job Job) Scan() (*Plan, error) {
	plan, err := Scan(job.Path, job.ReadOptions())
	if err != nil {
		return nil, err
	}
	for _, warning := range plan.Warnings {
		job.Log.Warn(warning.Render(LangEN))
	}
	return plan, nil
}

// ReadOptions read job's file as its settings say: the encoding, and a workbook's sheet.
func (job Job) ReadOptions() ReadOptions {
	return ReadOptions{Encoding: job.Encoding, Sheet: job.Sheet}
}
