// Package supportpage is the page of `storeimport serve`: support staff download the template,
// check a merchant's file and take the errors file and a reply back to the merchant, in a browser.
// A check is validate's own dry run (importer.DryRun): the same reader, rules, messages, report
// and errors file, so the page and the command line can never disagree.
package supportpage

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/acme/storeimport/importer"
)

// Config is what the command line hands the page.
type Config struct {
	// Addr is where the page listens, as --addr names it: requests naming its host (on every
	// interface, this machine's name) are answered, as well as those naming this machine's
	// loopback or the address they came in on; "" for loopback only.
	Addr string
	// PublicURL is where a TLS proxy publishes the page, nil for none: requests that name its
	// host are answered too, and over https the page's cookies are Secure.
	PublicURL *url.URL
	// Org is the organization every check is for; "" lets support type it in.
	Org string
	// Platform, when set, adds validate's read-only platform checks (the organization exists, its
	// shop limit). The token stays inside it.
	Platform importer.Platform
	// OpenLookup opens the stores' database read-only for one check; nil when there is none.
	OpenLookup importer.OpenLookup
	// Jobs, when set (the database is PostgreSQL), adds the jobs page: the organization's import
	// jobs with their progress, and a finished job's errors file.
	Jobs Jobs
	// Password, when not empty, must be given once per browser session. Only its hash is kept:
	// New overwrites these bytes with zeros once hashed.
	Password []byte
	// MaxUpload caps an uploaded file, in bytes.
	MaxUpload int64
	// Checks is how many checks may run at once; one more is told the page is busy.
	Checks int
	// UploadIdle is how long an upload may send nothing before it is given up, freeing its
	// check's slot; 0 for 30 seconds.
	UploadIdle time.Duration
	// TempDir holds the uploads and the checks' results; "" for the system's.
	TempDir string
	// Keep is how long a check's results stay for paging and downloads; 0 for an hour.
	Keep time.Duration
	// KeepBytes bounds the disk the kept results take, the oldest deleted first; 0 for 1 GiB.
	KeepBytes int64
	// Log gets a line per check, with no cell value of a merchant's file.
	Log *slog.Logger
}

// Server is the page's HTTP handler and the checks' results it keeps.
type Server struct {
	cfg      Config
	hosts    *hostCheck
	mux      *http.ServeMux
	secrets  *secrets
	results  *resultStore
	checks   chan struct{} // a slot per check running
	views    *views
	closeMu  sync.Once
	janitor  chan struct{}
	janitorW sync.WaitGroup
	stopping atomic.Bool
	logins   *rate.Limiter // every login attempt, from any browser
}

// New makes the page. Close removes what its checks left on disk.
func New(cfg Config) (*Server, error) {
	if cfg.MaxUpload <= 0 || cfg.Checks < 1 {
		return nil, errors.New("the page needs a positive upload cap and at least one check at a time")
	}
	if cfg.Keep <= 0 {
		cfg.Keep = time.Hour
	}
	if cfg.KeepBytes <= 0 {
		cfg.KeepBytes = 1 << 30
	}
	if cfg.UploadIdle <= 0 {
		cfg.UploadIdle = 30 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	dir, err := os.MkdirTemp(cfg.TempDir, "storeimport-serve-")
	if err != nil {
		return nil, fmt.Errorf("making the page's temporary directory: %w", err)
	}
	keys, err := newSecrets(cfg.Password)
	clear(cfg.Password)
	cfg.Password = nil
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	views, err := parseViews()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s := &Server{
		cfg:     cfg,
		hosts:   newHostCheck(cfg.Addr, cfg.PublicURL),
		secrets: keys,
		results: newResultStore(dir, cfg.Keep, cfg.KeepBytes),
		checks:  make(chan struct{}, cfg.Checks),
		views:   views,
		janitor: make(chan struct{}),
		logins:  rate.NewLimiter(loginRate, loginBurst),
	}
	s.routes()
	s.janitorW.Add(1)
	go s.sweep()
	return s, nil
}

func (s *Server) routes() {
	s.mux = http.NewServeMux()
	s.mux.Handle("GET /assets/", assetHandler())
	s.mux.HandleFunc("GET /{$}", s.home)
	s.mux.HandleFunc("POST /login", s.login)
	s.mux.HandleFunc("GET /template", s.template)
	s.mux.HandleFunc("POST /check", s.check)
	s.mux.HandleFunc("GET /results/{id}", s.resultPage)
	s.mux.HandleFunc("GET /results/{id}/errors", s.errorsDownload)
	s.mux.HandleFunc("GET /results/{id}/report.csv", s.reportDownload)
	if s.cfg.Jobs != nil {
		s.mux.HandleFunc("GET /jobs", s.jobsPage)
		s.mux.HandleFunc("GET /jobs/{id}/errors", s.jobErrorsDownload)
	}
}

// ServeHTTP sets the safety headers, the session and the language, then asks for the password
// where one is set and not yet given.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	secureHeaders(w.Header())
	if s.secrets.password == nil && proxied(r) {
		http.Error(w, "This page has no password, so it answers on its own machine only, not through a proxy: "+
			"start storeimport serve with --password-file (and --public-url).", http.StatusForbidden)
		return
	}
	if why := s.hosts.refusal(r); why != "" {
		http.Error(w, why, http.StatusMisdirectedRequest)
		return
	}
	if switchLanguage(w, r, s.hosts.secure(r)) {
		return
	}
	req := s.begin(w, r)
	if !req.allowed() && !isPublic(r) {
		status := http.StatusUnauthorized
		if r.Method == http.MethodGet {
			status = http.StatusOK // the login page is the page, until the password is given
		}
		s.askPassword(w, r, req, status, false)
		return
	}
	s.mux.ServeHTTP(w, r.WithContext(withRequest(r.Context(), req)))
}

// isPublic is what needs no password: the login itself and the page's own script and style.
func isPublic(r *http.Request) bool {
	return (r.Method == http.MethodPost && r.URL.Path == "/login") || (r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/assets/"))
}

// sweep drops the results of checks older than Keep, every minute, until Close.
func (s *Server) sweep() {
	defer s.janitorW.Done()
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		select {
		case <-s.janitor:
			return
		case now := <-tick.C:
			s.results.expire(now)
			s.secrets.expire(now)
		}
	}
}

// Stopping tells the page that its HTTP server is shutting down: a check in flight then answers
// with its result in place, as there will be no next request to show it (http.Server's
// RegisterOnShutdown calls it).
func (s *Server) Stopping() { s.stopping.Store(true) }

// Close removes every check's results; call it once the HTTP server has shut down.
func (s *Server) Close() error {
	var err error
	s.closeMu.Do(func() {
		close(s.janitor)
		s.janitorW.Wait()
		err = s.results.removeAll()
	})
	return err
}
