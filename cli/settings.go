package cli

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/jobs"
	"github.com/acme/storeimport/orgclient"
	"github.com/acme/storeimport/storedb"
	"github.com/acme/storeimport/storedb/postgres"
)

// platformSettings say how to reach the platform. Each comes from its flag, then the environment,
// then the default.
type platformSettings struct {
	Endpoint    string
	TokenFile   string
	Rate        float64
	Burst       int
	Concurrency int
	Insecure    bool
	// Limit is the rate limit the client waits on when it is not this process's own: the one a
	// worker shares with every worker that uses its token. Not a flag.
	Limit orgclient.NewLimiter
}

func (p *platformSettings) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&p.Endpoint, "endpoint", os.Getenv("ORG_PLATFORM_ENDPOINT"), "the platform's GraphQL endpoint (env ORG_PLATFORM_ENDPOINT)")
	f.StringVar(&p.TokenFile, "token-file", "", "file holding the bearer token (or set ORG_PLATFORM_TOKEN to the token itself)")
	f.Float64Var(&p.Rate, "rate", 5, "platform requests per second, every request counted")
	f.IntVar(&p.Burst, "burst", 1, "token-bucket burst")
	f.IntVar(&p.Concurrency, "concurrency", 1, "workers sharing the one rate limit (1..16)")
	f.BoolVar(&p.Insecure, "insecure", false, "allow a plain http:// endpoint that is not loopback")
}

// check refuses settings out of range even when there is no endpoint to use them with, since a
// user who wrote them meant something the run would not do.
func (p *platformSettings) check(cmd *cobra.Command) error {
	switch {
	case p.Rate <= 0:
		return usageError(cmd, "--rate must be above 0, got %v", p.Rate)
	case p.Burst < 1:
		return usageError(cmd, "--burst must be at least 1, got %d", p.Burst)
	case p.Concurrency < 1 || p.Concurrency > 16:
		return usageError(cmd, "--concurrency must be from 1 to 16, got %d", p.Concurrency)
	case p.Endpoint == "":
		return nil
	}
	if _, err := orgclient.ParseEndpoint(p.Endpoint, p.Insecure); err != nil {
		return usageError(cmd, "%v", err)
	}
	return nil
}

// token reads the bearer token. Nothing here ever puts the token itself in an error or a log.
func (p *platformSettings) token() (string, error) {
	if p.TokenFile == "" {
		if token := strings.TrimSpace(os.Getenv("ORG_PLATFORM_TOKEN")); token != "" {
			return token, nil
		}
		return "", fmt.Errorf("no platform token: pass --token-file PATH or set ORG_PLATFORM_TOKEN")
	}
	raw, err := os.ReadFile(p.TokenFile)
	if err != nil {
		return "", fmt.Errorf("reading the token file: %w", err)
	}
	token := strings.TrimSpace(string(raw))
	if token == "" {
		return "", fmt.Errorf("the token file %s is empty", p.TokenFile)
	}
	return token, nil
}

func (p *platformSettings) client(log *slog.Logger) (*orgclient.Client, error) {
	token, err := p.token()
	if err != nil {
		return nil, err
	}
	return orgclient.New(orgclient.Config{
		Endpoint:   p.Endpoint,
		Token:      token,
		Insecure:   p.Insecure,
		Rate:       p.Rate,
		Burst:      p.Burst,
		NewLimiter: p.Limit,
		Logger:     log,
	})
}

// fileSettings say how to read the merchant's file and how to write the report.
type fileSettings struct {
	Org       string
	Encoding  string
	Lang      string
	Format    string
	ErrorsCSV string
	LogFormat string
	Verbose   bool
	File      string
}

var (
	encodings  = []string{"auto", "utf8", "sjis"}
	languages  = []string{"en", "ja"}
	logFormats = []string{"text", "json"}
)

func (s *fileSettings) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	addOrgFlag(cmd, &s.Org, "platform organization id the stores belong to (required)")
	f.StringVar(&s.Encoding, "encoding", "auto", "input encoding: "+strings.Join(encodings, ", "))
	f.StringVar(&s.Lang, "lang", "en", "language of the report's messages: "+strings.Join(languages, ", "))
	f.StringVar(&s.Format, "format", "table", "report format on stdout: "+strings.Join(importer.Formats, ", "))
	f.StringVar(&s.ErrorsCSV, "errors-csv", "", "write the invalid and failed rows, with an error column, to this CSV (a workbook, named .xlsx, when FILE is one)")
	f.StringVar(&s.LogFormat, "log-format", "text", "logs on stderr: "+strings.Join(logFormats, ", "))
	f.BoolVar(&s.Verbose, "verbose", false, "log a line per platform request")
}

func addOrgFlag(cmd *cobra.Command, org *string, usage string) {
	cmd.Flags().StringVar(org, "org", "", usage)
}

// check rejects bad flags and a missing or unreadable file before any network or database I/O.
// A file that gives its content only once, such as a pipe or a process substitution, is only for
// a command that readsOnce: a run reads the file more than once (its kind, then its rows), and
// the second read would find it empty; import --enqueue reads it once.
func (s *fileSettings) check(cmd *cobra.Command, args []string, readsOnce bool) error {
	if len(args) != 1 {
		return usageError(cmd, "give exactly one CSV file, got %d arguments", len(args))
	}
	s.File = args[0]
	for _, choice := range []struct {
		flag, value string
		allowed     []string
	}{
		{"--encoding", s.Encoding, encodings},
		{"--lang", s.Lang, languages},
		{"--format", s.Format, importer.Formats},
		{"--log-format", s.LogFormat, logFormats},
	} {
		if !slices.Contains(choice.allowed, choice.value) {
			return usageError(cmd, "%s must be one of %s, got %q", choice.flag, strings.Join(choice.allowed, ", "), choice.value)
		}
	}
	if s.Org == "" {
		return usageError(cmd, "--org is required: the platform organization id the stores belong to")
	}
	info, err := os.Stat(s.File)
	if err != nil {
		return usageError(cmd, "cannot read the CSV file: %v", err)
	}
	if info.IsDir() {
		return usageError(cmd, "%s is a directory; give the CSV file", s.File)
	}
	if !readsOnce && !info.Mode().IsRegular() {
		return usageError(cmd, "%s is %s, whose content can be read only once, and this command reads the file twice: "+
			"save it to a file and give that", s.File, notRegular(info.Mode()))
	}
	return nil
}

// notRegular names the kind of a file that is not a regular one.
func notRegular(mode fs.FileMode) string {
	switch {
	case mode&fs.ModeNamedPipe != 0:
		return "a pipe"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

func (s *fileSettings) logger(w io.Writer) *slog.Logger { return newLogger(w, s.LogFormat, s.Verbose) }

// newLogger writes logs to w (stderr): info and up, and a line per platform request when verbose.
func newLogger(w io.Writer, format string, verbose bool) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if verbose {
		opts.Level = slog.LevelDebug
	}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// dbSettings say which database holds the stores: an SQLite file, or a PostgreSQL database and
// the schema of its tables.
type dbSettings struct {
	Target string
	Schema string
}

// addFlags adds --db (then STOREIMPORT_DB, then storeimport.db) and --db-schema (then
// STOREIMPORT_DB_SCHEMA).
func (d *dbSettings) addFlags(cmd *cobra.Command) {
	def := os.Getenv("STOREIMPORT_DB")
	if def == "" {
		def = "storeimport.db"
	}
	f := cmd.Flags()
	f.StringVar(&d.Target, "db", def, "SQLite database file, or PostgreSQL URL (postgres://…) or keyword/value string (env STOREIMPORT_DB); "+
		"created and migrated on first write")
	// Help prints a flag's default: the environment's target, password and all, must not show.
	f.Lookup("db").DefValue = storedb.Redact(def)
	f.StringVar(&d.Schema, "db-schema", os.Getenv("STOREIMPORT_DB_SCHEMA"), "PostgreSQL schema of the tables, created if missing "+
		"(env STOREIMPORT_DB_SCHEMA); default: the first schema of the target's search_path, else public")
}

// check refuses a schema name the database cannot hold the tables in, before any I/O: each
// command's own flag check calls it first.
func (d *dbSettings) check(cmd *cobra.Command) error {
	if d.Schema == "" {
		return nil
	}
	if err := postgres.CheckSchemaName(d.Schema); err != nil {
		return usageError(cmd, "--db-schema (or STOREIMPORT_DB_SCHEMA): %v", err)
	}
	return nil
}

// open opens the database, for a dry run read-only. Its errors show the target with its password
// masked, and say where it came from.
func (d *dbSettings) open(ctx context.Context, readOnly bool) (importer.Database, error) {
	open := storedb.Open
	if readOnly {
		open = storedb.OpenReadOnly
	}
	db, err := open(ctx, d.Target, d.Schema)
	switch {
	case err == nil:
		return db, nil
	case d.Schema != "" || !storedb.IsFile(d.Target):
		return nil, fmt.Errorf("%w; check --db (or STOREIMPORT_DB) and --db-schema (or STOREIMPORT_DB_SCHEMA)", err)
	default:
		return nil, fmt.Errorf("%w; check --db (or STOREIMPORT_DB)", err)
	}
}

// lookup opens the database for a dry run, endpoint or not, so that stores already imported show
// as would_skip: read-only, never creating or migrating it. A database not made yet has no store
// to look up, and no need to count ahead: then the lookup is nil.
func (d *dbSettings) lookup(ctx context.Context) (importer.StoreLookup, func(), error) {
	db, err := d.open(ctx, true)
	if err != nil {
		return nil, nil, err
	}
	release := func() { db.Close() }
	if !exists(ctx, db) {
		return nil, release, nil
	}
	return db, release, nil
}

// openQueue opens the import jobs of the PostgreSQL database, read-only for the support page and
// for jobs and jobs show, its errors saying which settings named it.
func (d *dbSettings) openQueue(ctx context.Context, readOnly bool) (*jobs.Queue, error) {
	open := jobs.Open
	if readOnly {
		open = jobs.OpenReadOnly
	}
	return d.named(open(ctx, d.Target, d.Schema))
}

// openExistingQueue opens the import jobs of the PostgreSQL database to change them, refusing
// one with no queue yet rather than creating it.
func (d *dbSettings) openExistingQueue(ctx context.Context) (*jobs.Queue, error) {
	return d.named(jobs.OpenExisting(ctx, d.Target, d.Schema))
}

// openWorkerQueue opens the queue as openQueue does, for a worker running jobsAtOnce imports at
// once: with a pool sized for them.
func (d *dbSettings) openWorkerQueue(ctx context.Context, jobsAtOnce int) (*jobs.Queue, error) {
	return d.named(jobs.OpenForWorker(ctx, d.Target, d.Schema, jobsAtOnce))
}

// named says, in a queue's opening error, which settings named the database.
func (d *dbSettings) named(queue *jobs.Queue, err error) (*jobs.Queue, error) {
	if err != nil {
		return nil, fmt.Errorf("%w; check --db (or STOREIMPORT_DB) and --db-schema (or STOREIMPORT_DB_SCHEMA)", err)
	}
	return queue, nil
}
