package orgsim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// maxBodyBytes bounds a request body; the importer's requests are a few hundred bytes.
const maxBodyBytes = 1 << 20

// exchange is one request being answered: where to write, what to log, and the latency.
type exchange struct {
	w     http.ResponseWriter
	entry LogEntry
	// notBefore is arrival plus the latency fault: no answer is written earlier.
	notBefore time.Time
}

// wait spends what is left of the latency.
func (x *exchange) wait() {
	if d := time.Until(x.notBefore); d > 0 {
		time.Sleep(d)
	}
}

func (x *exchange) reply(status int, body []byte, outcome string) {
	x.wait()
	x.entry.Status = status
	x.entry.Outcome = outcome
	x.w.Header().Set("Content-Type", "application/json")
	x.w.WriteHeader(status)
	_, _ = x.w.Write(body) // the client went away: nothing to do, the log has the answer
}

// refuse answers an HTTP-level refusal, logged as its status code.
func (x *exchange) refuse(status int, message string) {
	x.reply(status, errorBody(message), strconv.Itoa(status))
}

// ServeHTTP answers one GraphQL-over-HTTP request on any path.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x := &exchange{
		w:         w,
		entry:     LogEntry{Time: s.now()},
		notBefore: time.Now().Add(s.faults.latency()),
	}
	s.serve(x, r)
	s.log.add(x.entry)
}

// serve takes a request through the platform's gates in the order a client can observe them:
// authentication, rate limit, a readable body, the Idempotency-Key, and only then processing.
func (s *Server) serve(x *exchange, r *http.Request) {
	if r.Method != http.MethodPost {
		x.w.Header().Set("Allow", http.MethodPost)
		x.refuse(http.StatusMethodNotAllowed, "only POST is supported")
		return
	}
	c := s.tokens.authenticate(r.Header.Get("Authorization"))
	if c == nil {
		x.w.Header().Set("WWW-Authenticate", `Bearer realm="orgplatform"`)
		x.refuse(http.StatusUnauthorized, "missing or unknown bearer token")
		return
	}
	x.entry.Token = c.label
	if wait, ok := s.limiter.take(c.label, s.now()); !ok {
		x.w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(wait)))
		x.refuse(http.StatusTooManyRequests, "rate limit exceeded")
		return
	}
	p, status, err := readParams(x.w, r)
	if err != nil {
		x.refuse(status, err.Error())
		return
	}
	key, err := idempotencyKey(r.Header)
	if err != nil {
		x.refuse(http.StatusBadRequest, err.Error())
		return
	}
	x.entry.IdempotencyKey = key
	// A client that gives up does not stop a request the platform has started: as the
	// contract warns, a timeout proves nothing about the mutation. (gqlgen's executor wants
	// the operation's start time in the context.)
	ctx := graphql.StartOperationTrace(context.WithoutCancel(r.Context()))
	op := s.parse(ctx, p)
	x.entry.Operation = op.names()
	x.entry.OperationName = op.name
	x.entry.OperationType = op.kind
	if s.faults.rateLimited(op.fields) {
		// Where the rate limit refuses: before the key is looked at, so a replay is refused too.
		x.w.Header().Set("Retry-After", "1")
		x.reply(http.StatusTooManyRequests, errorBody("rate limit exceeded (injected fault)"), Outcome429Injected)
		return
	}
	if key == "" {
		s.process(ctx, x, c, op, nil)
		return
	}
	slot := idemSlot{caller: c.label, key: key}
	verdict, kept := s.idem.begin(slot, fingerprint(p), s.now())
	switch verdict {
	case idemProceed:
		s.process(ctx, x, c, op, &slot)
	case idemReplay:
		x.entry.Replayed = true
		x.w.Header().Set("Idempotent-Replayed", "true")
		x.reply(kept.status, kept.body, kept.outcome)
	case idemInFlight:
		x.refuse(http.StatusConflict, "a request with this Idempotency-Key is still being processed")
	case idemMismatch:
		x.refuse(http.StatusUnprocessableEntity, "this Idempotency-Key was used with a different request body")
	}
}

// process runs a request that passed every gate, with its faults. slot is its reserved
// Idempotency-Key, or nil.
func (s *Server) process(ctx context.Context, x *exchange, c *caller, op *operation, slot *idemSlot) {
	settled := false // the key is kept or freed
	if slot != nil {
		// A panicking AfterCommit hook must not leave the key reserved, or every retry would
		// get 409 forever.
		defer func() {
			if !settled {
				s.idem.release(*slot)
			}
		}()
	}
	x.wait() // the latency is spent with the key reserved, so a retry meanwhile gets 409
	plan := s.faults.plan(op.fields)
	if plan.fail503 {
		// Refused before processing: the key is freed before the answer, so a retry is processed.
		if slot != nil {
			s.idem.release(*slot)
		}
		settled = true
		x.reply(http.StatusServiceUnavailable, errorBody("service unavailable (injected fault)"), Outcome503Injected)
		return
	}
	rs := &requestState{caller: c, injected: plan.codes}
	resp := s.execute(withRequest(ctx, rs), op)
	if s.afterCommit != nil {
		for _, e := range rs.commitEvents() {
			s.afterCommit(e.op, e.n)
		}
	}
	if slot != nil {
		s.idem.finish(*slot, resp, s.now())
		settled = true
	}
	if plan.fail504 {
		x.reply(http.StatusGatewayTimeout, errorBody("gateway timeout (injected fault; the request was processed)"), Outcome504AfterCommit)
		return
	}
	x.reply(resp.status, resp.body, resp.outcome)
}

// readParams decodes the JSON body, or says which status refuses it.
func readParams(w http.ResponseWriter, r *http.Request) (*params, int, error) {
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/json" {
		return nil, http.StatusUnsupportedMediaType, errors.New("Content-Type must be application/json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	// Numbers stay exact, as gqlgen expects, and compare exactly for Idempotency-Key.
	dec.UseNumber()
	var p params
	if err := dec.Decode(&p); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("request body over %d bytes", maxBodyBytes)
		}
		return nil, http.StatusBadRequest, fmt.Errorf("request body is not a GraphQL request: %w", err)
	}
	if p.Query == "" {
		return nil, http.StatusBadRequest, errors.New("request body has no query")
	}
	return &p, 0, nil
}
