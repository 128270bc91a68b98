package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/net/idna"

	"github.com/acme/storeimport/storedb"
	"github.com/acme/storeimport/supportpage"
)

// serveOptions are the support page's settings.
type serveOptions struct {
	Streams      Streams
	Stop         <-chan struct{}
	AtOnce       *exitHooks
	Addr         string
	PasswordFile string
	PublicURL    string
	MaxUpload    string
	Checks       int
	Org          string
	DB           dbSettings
	Platform     platformSettings

	maxUpload int64
	publicURL *url.URL
	password  []byte // the password file's; the page overwrites it once hashed
}

func newServeCommand(streams Streams, stop <-chan struct{}, atOnce *exitHooks) *cobra.Command {
	opts := &serveOptions{Streams: streams, Stop: stop, AtOnce: atOnce}
	cmd := &cobra.Command{
		Use:   "serve [--addr HOST:PORT] [--password-file PATH] [--public-url URL] [--max-upload SIZE] [--checks N] [--org ID] [--endpoint URL --token-file PATH]",
		Short: "Serve the support page: the template, and checks of merchants' files, in a browser",
		Long: `serve starts the support page: support staff download the template and check a merchant's
file (validate's dry run: the same rules, messages, report and errors file), then send the errors
file back with a reply the page writes. It never imports and never changes a file.

It listens on loopback unless --addr says otherwise, and then only with --password-file, whose
password the page asks for once per browser session. Behind a TLS proxy, --public-url names the
address the proxy publishes it at (with --password-file). With a PostgreSQL --db the page also lists
an organization's import jobs (import --enqueue) with their progress, and serves a finished job's
errors file; it never starts or cancels one. Ctrl-C (or SIGTERM) lets the checks in
flight finish, then stops.`,
		Example: `  storeimport serve
  storeimport serve --org org_1 --endpoint https://platform.example.com/graphql --token-file token.txt
  storeimport serve --addr 0.0.0.0:8080 --password-file page-password.txt
  storeimport serve --public-url https://stores-support.example.com/ --password-file page-password.txt`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.check(cmd); err != nil {
				return err
			}
			return runServe(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Addr, "addr", "127.0.0.1:8080", "address to listen on, HOST:PORT (port 0 picks a free one); other than loopback only with --password-file")
	f.StringVar(&opts.PasswordFile, "password-file", "", "file holding the password the page asks for (required for an --addr that is not loopback)")
	f.StringVar(&opts.PublicURL, "public-url", "", "the https:// address a TLS proxy publishes the page at, which it then also answers to, "+
		"setting its cookies Secure; only with --password-file")
	f.StringVar(&opts.MaxUpload, "max-upload", "50MiB", "largest file a check takes: bytes, or a size such as 512KiB or 50MiB")
	f.IntVar(&opts.Checks, "checks", 2, "checks that may run at once; one more is told to try again")
	addOrgFlag(cmd, &opts.Org, "the organization every check is for (default: typed in on the page)")
	opts.DB.addFlags(cmd)
	opts.Platform.addFlags(cmd)
	// A check runs its rows one at a time, and never writes the database.
	withoutFlags(cmd, "concurrency")
	cmd.Flags().Lookup("db").Usage = "SQLite database file, or PostgreSQL URL (postgres://…) or keyword/value string (env STOREIMPORT_DB), " +
		"only read, never created or written: rows of stores already imported show as would_skip, and with PostgreSQL the page lists the import jobs"
	cmd.Flags().Lookup("db-schema").Usage = "PostgreSQL schema of the tables, only read (env STOREIMPORT_DB_SCHEMA); " +
		"default: the first schema of the target's search_path, else public"
	return cmd
}

// withoutFlags takes off cmd the flags of the shared settings it has no use for, so that neither
// its help nor its command line offers them.
func withoutFlags(cmd *cobra.Command, names ...string) {
	all := cmd.Flags()
	cmd.ResetFlags()
	all.VisitAll(func(flag *pflag.Flag) {
		if !slices.Contains(names, flag.Name) {
			cmd.Flags().AddFlag(flag)
		}
	})
}

// check refuses bad flags, and a page open to the network with no password, before listening.
func (o *serveOptions) check(cmd *cobra.Command) error {
	if err := o.DB.check(cmd); err != nil {
		return err
	}
	size, err := humanize.ParseBytes(o.MaxUpload)
	if err != nil || size == 0 || size > 1<<40 {
		return usageError(cmd, "--max-upload must be a size such as 50MiB, 512KiB or 1000000 (bytes), got %q", o.MaxUpload)
	}
	o.maxUpload = int64(size)
	if o.Checks < 1 || o.Checks > 64 {
		return usageError(cmd, "--checks must be from 1 to 64, got %d", o.Checks)
	}
	host, _, err := net.SplitHostPort(o.Addr)
	if err != nil {
		return usageError(cmd, "--addr must be HOST:PORT, such as 127.0.0.1:8080, got %q", o.Addr)
	}
	if o.PasswordFile != "" {
		if o.password, err = readPassword(o.PasswordFile); err != nil {
			return usageError(cmd, "%v", err)
		}
	} else if !isLoopback(host) {
		return usageError(cmd, "--addr %s is reachable from other machines: give the page a password with --password-file PATH, or listen on 127.0.0.1", o.Addr)
	}
	if err := o.checkPublicURL(cmd); err != nil {
		return err
	}
	return o.Platform.check(cmd)
}

// checkPublicURL takes --public-url: the address of the page's root, where a proxy publishes it
// to other machines, which is why it needs the password as a non-loopback --addr does.
func (o *serveOptions) checkPublicURL(cmd *cobra.Command) error {
	if o.PublicURL == "" {
		return nil
	}
	u, err := url.Parse(o.PublicURL)
	if err != nil || u.Scheme != "https" || u.Hostname() == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return usageError(cmd, "--public-url must be the https:// address of the page's root, such as https://stores-support.example.com/, got %q: "+
			"the proxy publishes the page over TLS (plain HTTP would carry its password in the clear), at / of its host", o.PublicURL)
	}
	// Browsers send an internationalized name in its ASCII (punycode) form.
	host, err := idna.Lookup.ToASCII(u.Hostname())
	if err != nil {
		return usageError(cmd, "--public-url %s: the host name %q is not one a browser can reach: %v", o.PublicURL, u.Hostname(), err)
	}
	if port := u.Port(); port != "" {
		host = net.JoinHostPort(host, port)
	}
	u.Host = host
	if o.PasswordFile == "" {
		return usageError(cmd, "--public-url %s publishes the page to other machines: give it a password with --password-file PATH", o.PublicURL)
	}
	o.publicURL = u
	return nil
}

// isLoopback says whether host is this machine only; a name other than localhost may resolve to
// anything, so it is not.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// readPassword reads the page's password. Nothing here ever puts it in an error or a log.
func readPassword(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the password file: %w", err)
	}
	password := bytes.TrimRight(raw, "\r\n")
	if len(password) == 0 {
		return nil, fmt.Errorf("the password file %s is empty", path)
	}
	return password, nil
}

// shutdownGrace bounds how long serve waits for the checks in flight once told to stop.
const shutdownGrace = 3 * time.Minute

// runServe serves the page until an interrupt, then lets the checks in flight finish.
func runServe(ctx context.Context, opts *serveOptions) error {
	log := newLogger(opts.Streams.Err, "text", false)
	cfg := supportpage.Config{
		Addr:       opts.Addr,
		PublicURL:  opts.publicURL,
		Org:        opts.Org,
		OpenLookup: opts.DB.lookup,
		Password:   opts.password,
		MaxUpload:  opts.maxUpload,
		Checks:     opts.Checks,
		Log:        log,
	}
	if opts.Platform.Endpoint != "" {
		client, err := opts.Platform.client(log)
		if err != nil {
			return err
		}
		cfg.Platform = client
	}
	if !storedb.IsFile(opts.DB.Target) {
		queue, err := opts.DB.openQueue(ctx, true)
		if err != nil {
			return err
		}
		defer queue.Close()
		cfg.Jobs = queue
	}
	page, err := supportpage.New(cfg)
	if err != nil {
		return err
	}
	defer page.Close()
	listener, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w; choose another --addr", opts.Addr, err)
	}
	server := &http.Server{
		Handler:           page,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	server.RegisterOnShutdown(page.Stopping)
	// Stopped at once, serve still removes the merchants' files the page holds.
	defer opts.AtOnce.add(func() {
		server.Close()
		page.Close()
	})()
	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	fmt.Fprintf(opts.Streams.Out, "storeimport serve: %s (Ctrl-C to stop)\n", pageURL(listener.Addr()))
	if opts.publicURL != nil {
		fmt.Fprintf(opts.Streams.Out, "published at %s through its proxy\n", opts.publicURL)
	}
	select {
	case err := <-served:
		return fmt.Errorf("serving the page: %w", err)
	case <-opts.Stop:
	}
	// Shutdown waits for every request in flight, a check included, to be answered; a check
	// still running after shutdownGrace is cut off.
	stopping, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := server.Shutdown(stopping); err != nil {
		server.Close()
		return fmt.Errorf("stopping the page: checks still running after %s were cut off: %w", shutdownGrace, err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving the page: %w", err)
	}
	log.Info("the page stopped")
	return nil
}

// pageURL is where a browser finds the page: on all interfaces, by this machine's name.
func pageURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return "http://" + addr.String() + "/"
	}
	host, err := os.Hostname()
	if err != nil {
		host = "localhost"
	}
	return fmt.Sprintf("http://%s/", net.JoinHostPort(host, fmt.Sprint(tcp.Port)))
}
