package orgsim

import (
	"fmt"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql/executor"
)

// Server is the simulated platform. It is an http.Handler that answers the GraphQL endpoint on
// any path; all its methods are safe for concurrent use.
type Server struct {
	now         func() time.Time
	afterCommit func(op string, n int)

	store   *store
	tokens  *tokenRegistry
	limiter *rateLimiter
	idem    *idempotencyStore
	faults  *injector
	log     *requestLog
	exec    *executor.Executor
}

// New builds a simulator from cfg. It panics when cfg.Validate fails: a simulator that does not
// do what its test asked for would only make the test lie.
func New(cfg Config) *Server {
	if err := cfg.Validate(); err != nil {
		panic(fmt.Sprintf("orgsim.New: %v", err))
	}
	faults, _ := compileFaults(cfg.Faults) // validated above
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	s := &Server{
		now:         now,
		afterCommit: cfg.AfterCommit,
		store:       newStore(),
		tokens:      newTokenRegistry(),
		limiter:     newRateLimiter(cfg.RateLimit),
		idem:        newIdempotencyStore(),
		faults:      newInjector(faults, cfg.Seed),
		log:         newRequestLog(cfg.RequestLog),
	}
	s.exec = newExecutor(&resolvers{store: s.store, now: now})
	for _, o := range cfg.Organizations {
		_ = s.store.addOrg(o) // validated above
	}
	for _, t := range cfg.Tokens {
		_ = s.tokens.add(t) // validated above
	}
	return s
}

// Handler serves the GraphQL endpoint at /graphql and /, and 404 elsewhere.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/graphql", s)
	mux.Handle("/{$}", s)
	return mux
}

// AddOrganization adds an organization while the simulator runs.
func (s *Server) AddOrganization(o Org) error {
	if err := s.store.addOrg(o); err != nil {
		return fmt.Errorf("add organization: %w", err)
	}
	return nil
}

// AddToken adds a bearer token while the simulator runs. Its log label is the next "token#N".
func (s *Server) AddToken(t Token) error {
	if err := s.tokens.add(t); err != nil {
		return fmt.Errorf("add token: %w", err)
	}
	return nil
}

// SetFaults replaces the faults from the next request on. The random source is kept, so the
// sequence of draws goes on rather than starting over.
func (s *Server) SetFaults(f Faults) error {
	set, err := compileFaults(f)
	if err != nil {
		return fmt.Errorf("set faults: %w", err)
	}
	s.faults.replace(set)
	return nil
}

// Shops lists an organization's shops, oldest first, deleted ones too when includeDeleted.
// The slices are copies.
func (s *Server) Shops(orgID string, includeDeleted bool) []Shop {
	return s.store.shopsOf(orgID, includeDeleted)
}

// Log returns a copy of the request log, oldest first.
func (s *Server) Log() []LogEntry {
	return s.log.all()
}
