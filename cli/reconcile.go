package cli

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/acme/storeimport/importer"
)

type reconcileOptions struct {
	Streams   Streams
	Stop      <-chan struct{}
	DB        dbSettings
	Org       string
	Fix       bool
	Format    string
	LogFormat string
	Verbose   bool
	Platform  platformSettings
	Resolve   importer.Resolution
}

var reconcileFormats = []string{"table", "json"}

func newReconcileCommand(streams Streams, stop <-chan struct{}) *cobra.Command {
	opts := &reconcileOptions{Streams: streams, Stop: stop}
	cmd := &cobra.Command{
		Use:   "reconcile --org ID --endpoint URL [--fix] [flags]",
		Short: "Compare the platform's shops, the local stores and the import journal; --fix repairs what is provably ours",
		Long: `reconcile lists, for one organization: shops on the platform with no local store (those the
journal proves this tool made, and unknown ones, which are never touched), stores whose shop is
gone, shops without the reservation service, and caches that differ from the platform.
--fix deletes only orphan shops the journal proves are this tool's, turns a missing service back
on, and refreshes caches. Exit 0 when consistent (after fixing), 3 when something needs a person.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.DB.check(cmd); err != nil {
				return err
			}
			switch {
			case opts.Org == "":
				return usageError(cmd, "--org is required: the platform organization id to reconcile")
			case opts.Platform.Endpoint == "":
				return usageError(cmd, "--endpoint is required (or set ORG_PLATFORM_ENDPOINT)")
			case !slices.Contains(reconcileFormats, opts.Format):
				return usageError(cmd, "--format must be one of %s, got %q", strings.Join(reconcileFormats, ", "), opts.Format)
			case !slices.Contains(logFormats, opts.LogFormat):
				return usageError(cmd, "--log-format must be one of %s, got %q", strings.Join(logFormats, ", "), opts.LogFormat)
			}
			if err := opts.checkResolve(cmd); err != nil {
				return err
			}
			if err := opts.Platform.check(cmd); err != nil {
				return err
			}
			return runReconcile(cmd.Context(), opts)
		},
	}
	opts.DB.addFlags(cmd)
	cmd.Flags().StringVar(&opts.Org, "org", "", "platform organization id (required)")
	cmd.Flags().BoolVar(&opts.Fix, "fix", false, "repair what is provably this tool's, and report each action")
	cmd.Flags().StringVar(&opts.Format, "format", "table", "report format: "+strings.Join(reconcileFormats, ", "))
	cmd.Flags().StringVar(&opts.LogFormat, "log-format", "text", "logs on stderr: "+strings.Join(logFormats, ", "))
	cmd.Flags().BoolVar(&opts.Verbose, "verbose", false, "log a line per platform request")
	cmd.Flags().StringVar(&opts.Resolve.Attempt, "resolve", "", "record a person's verdict on the attempt in doubt with this key (or public_id): with --shop or --none")
	cmd.Flags().StringVar(&opts.Resolve.ShopID, "shop", "", "with --resolve: the shop the attempt made")
	cmd.Flags().BoolVar(&opts.Resolve.None, "none", false, "with --resolve: the attempt made no shop")
	opts.Platform.addFlags(cmd)
	return cmd
}

func runReconcile(ctx context.Context, opts *reconcileOptions) error {
	// Every repair reconcile makes is safe to cut short and to do again, so an interrupt, or losing
	// the lock, simply cancels what is under way; the next reconcile picks up from the platform's state.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	log := newLogger(opts.Streams.Err, opts.LogFormat, opts.Verbose)
	client, err := opts.Platform.client(log)
	if err != nil {
		return err
	}
	db, err := opts.DB.open(ctx, false)
	if err != nil {
		return err
	}
	defer db.Close()
	// The lock keeps --fix from deleting a shop that a running import has just made.
	lock, err := db.Lock(ctx, opts.Org, "storeimport reconcile")
	if err != nil {
		return err
	}
	defer lock.Release()
	go cancelOnStop(ctx, cancel, opts.Stop, lock)
	fingerprint, err := tokenFingerprint(ctx, db, client)
	if err != nil {
		return err
	}
	fenced := lock.Fenced()
	job := importer.ReconcileJob{
		OrganizationID: opts.Org,
		Fix:            opts.Fix,
		Platform:       client,
		Stores:         fenced,
		Journal:        fenced,
		Clock:          importer.SystemClock{},
		NewKey:         rand.Text,
		Log:            log,

		TokenFingerprint: fingerprint,
		Lease:            lock,
	}
	findings, err := reconcileOrResolve(ctx, job, opts.Resolve)
	if err != nil {
		return cmp.Or(context.Cause(ctx), err)
	}
	if err := importer.WriteFindings(opts.Streams.Out, opts.Format, opts.Org, opts.Fix, findings); err != nil {
		return err
	}
	if stopped := context.Cause(ctx); stopped != nil { // an interrupt or a lost lock cut it short
		return stopped
	}
	if importer.NeedsPerson(findings) {
		return errNeedsPerson
	}
	return nil
}

// cancelOnStop cancels reconcile's work on an interrupt, or when its lock is lost, saying which.
func cancelOnStop(ctx context.Context, cancel context.CancelCauseFunc, stop <-chan struct{}, lock importer.Lock) {
	select {
	case <-stop:
		cancel(errors.New("interrupted"))
	case <-lock.Lost():
		cancel(fmt.Errorf("%w: %v; reconcile stopped", importer.ErrSuperseded, lock.Err()))
	case <-ctx.Done():
	}
}

// checkResolve refuses --shop and --none without --resolve, and --resolve without exactly one.
func (opts *reconcileOptions) checkResolve(cmd *cobra.Command) error {
	res := opts.Resolve
	switch {
	case res.Attempt == "" && (res.ShopID != "" || res.None):
		return usageError(cmd, "--shop and --none go with --resolve KEY")
	case res.Attempt == "":
		return nil
	case (res.ShopID == "") == !res.None:
		return usageError(cmd, "--resolve needs exactly one of --shop ID (the shop the attempt made) or --none (it made none)")
	case opts.Fix:
		return usageError(cmd, "--resolve records one verdict; run --fix on its own")
	}
	return nil
}

// reconcileOrResolve compares the organization's shops, stores and journal, or, with a
// resolution, records it.
func reconcileOrResolve(ctx context.Context, job importer.ReconcileJob, res importer.Resolution) ([]importer.Finding, error) {
	if res.Attempt == "" {
		return importer.Reconcile(ctx, job)
	}
	f, err := importer.Resolve(ctx, job, res)
	if err != nil {
		return nil, err
	}
	return []importer.Finding{f}, nil
}
