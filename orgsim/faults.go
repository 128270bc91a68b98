package orgsim

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"sync"
	"time"
)

// The operations faults can be aimed at: the schema's root fields.
const (
	OpCreateShop                  = "createShop"
	OpAssignServiceToOrganization = "assignServiceToOrganization"
	OpDeleteShop                  = "deleteShop"
	OpOrganization                = "organization"
	OpShop                        = "shop"
	OpShops                       = "shops"
)

var knownOps = map[string]bool{
	OpCreateShop: true, OpAssignServiceToOrganization: true, OpDeleteShop: true,
	OpOrganization: true, OpShop: true, OpShops: true,
}

// Rule actions besides the error codes (CodeInvalidInput, CodeInternal, ...).
const (
	// Action503 answers HTTP 503 before anything is processed; the Idempotency-Key is not kept.
	Action503 = "503"
	// Action504AfterCommit processes the request, keeps its response for the Idempotency-Key,
	// and then answers HTTP 504 as if a gateway had lost the response.
	Action504AfterCommit = "504-after-commit"
	// Action429 answers HTTP 429 with Retry-After: 1 where the rate limit would, whatever the
	// bucket holds: before the Idempotency-Key is looked at, so a replay is refused too.
	Action429 = "429"
)

// Faults is how the simulator misbehaves on purpose.
type Faults struct {
	// Latency is added to every request. A processed request spends it after its
	// Idempotency-Key was reserved, so a retry during it sees 409.
	Latency time.Duration
	// Ops holds random failures per operation (root field name).
	Ops map[string]OpFaults
	// Rules are checked in order; the first that matches a root field decides, and then no
	// random failure is drawn for that field.
	Rules []Rule
}

// OpFaults are the probabilities (0..1) of random failures of one operation.
type OpFaults struct {
	// Fail503 is the probability of HTTP 503 before processing.
	Fail503 float64 `json:"fail503"`
	// Fail504 is the probability of HTTP 504 after the request was processed and committed.
	Fail504 float64 `json:"fail504"`
}

// Rule fails one operation whenever the shop name involved matches Pattern (a Go regexp).
// The name is createShop's input.name; for assignServiceToOrganization, deleteShop and shop
// it is the name of the shop the id refers to (deleted shops included; "" when there is no
// such shop); for organization and shops it is always "".
type Rule struct {
	Op      string `json:"op"`
	Pattern string `json:"pattern"`
	// Action is Action503, Action504AfterCommit, or an error code such as CodeInvalidInput,
	// which is answered as a GraphQL error for that field without processing it.
	Action string `json:"action"`
}

// faultsJSON is Faults as written in a config file, with the latency as a Go duration string
// ("250ms") or a number of nanoseconds.
type faultsJSON struct {
	Latency json.RawMessage     `json:"latency"`
	Ops     map[string]OpFaults `json:"ops"`
	Rules   []Rule              `json:"rules"`
}

// UnmarshalJSON reads Faults with a readable latency.
func (f *Faults) UnmarshalJSON(data []byte) error {
	var raw faultsJSON
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("faults: %w", err)
	}
	*f = Faults{Ops: raw.Ops, Rules: raw.Rules}
	if len(raw.Latency) == 0 || string(raw.Latency) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(raw.Latency, &s); err == nil {
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("faults latency: %w", err)
		}
		f.Latency = d
		return nil
	}
	var ns int64
	if err := json.Unmarshal(raw.Latency, &ns); err != nil {
		return fmt.Errorf("faults latency must be a duration string or nanoseconds: %w", err)
	}
	f.Latency = time.Duration(ns)
	return nil
}

var knownActions = map[string]bool{Action503: true, Action504AfterCommit: true, Action429: true}

// faultSet is a validated Faults, with its patterns compiled.
type faultSet struct {
	latency time.Duration
	ops     map[string]OpFaults
	rules   []compiledRule
}

type compiledRule struct {
	Rule
	re *regexp.Regexp
}

func compileFaults(f Faults) (*faultSet, error) {
	if f.Latency < 0 {
		return nil, fmt.Errorf("faults: negative latency %v", f.Latency)
	}
	fs := &faultSet{latency: f.Latency, ops: map[string]OpFaults{}}
	for op, of := range f.Ops {
		if !knownOps[op] {
			return nil, fmt.Errorf("faults: unknown operation %q", op)
		}
		if of.Fail503 < 0 || of.Fail503 > 1 || of.Fail504 < 0 || of.Fail504 > 1 {
			return nil, fmt.Errorf("faults: %s probabilities must be within 0..1", op)
		}
		fs.ops[op] = of
	}
	for i, r := range f.Rules {
		if !knownOps[r.Op] {
			return nil, fmt.Errorf("fault rule #%d: unknown operation %q", i+1, r.Op)
		}
		if !knownActions[r.Action] && !knownCodes[r.Action] {
			return nil, fmt.Errorf("fault rule #%d: unknown action %q", i+1, r.Action)
		}
		re, err := regexp.Compile(r.Pattern)
		if err != nil {
			return nil, fmt.Errorf("fault rule #%d: %w", i+1, err)
		}
		fs.rules = append(fs.rules, compiledRule{Rule: r, re: re})
	}
	return fs, nil
}

// faultPlan is what the faults decided for one request, before it is processed.
type faultPlan struct {
	fail503 bool
	fail504 bool
	// codes maps a root field's response key (alias or name) to the error code injected there.
	codes map[string]string
}

// rootField is one top-level field of the request and the shop name fault rules look at.
type rootField struct {
	key      string // alias, or the name when there is no alias
	op       string // field name
	shopName string
}

// injector draws the random failures from one seeded source, so a run with the same seed and
// the same order of requests fails the same way.
type injector struct {
	mu  sync.Mutex
	set *faultSet
	rng *rand.Rand
}

func newInjector(set *faultSet, seed int64) *injector {
	return &injector{set: set, rng: rand.New(rand.NewPCG(uint64(seed), 0))}
}

func (in *injector) replace(set *faultSet) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.set = set
}

func (in *injector) latency() time.Duration {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.set.latency
}

// plan decides the faults for a request's root fields.
func (in *injector) plan(fields []rootField) faultPlan {
	in.mu.Lock()
	defer in.mu.Unlock()
	var p faultPlan
	for _, f := range fields {
		switch action := in.action(f); action {
		case "":
		case Action429: // refused earlier, by rateLimited
		case Action503:
			p.fail503 = true
		case Action504AfterCommit:
			p.fail504 = true
		default:
			if p.codes == nil {
				p.codes = map[string]string{}
			}
			p.codes[f.key] = action
		}
	}
	return p
}

// ruleAction is the action of the first rule matching f, or "".
func (in *injector) ruleAction(f rootField) string {
	for _, r := range in.set.rules {
		if r.Op == f.op && r.re.MatchString(f.shopName) {
			return r.Action
		}
	}
	return ""
}

// rateLimited says whether a rule answers one of the request's root fields with 429.
func (in *injector) rateLimited(fields []rootField) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, f := range fields {
		if in.ruleAction(f) == Action429 {
			return true
		}
	}
	return false
}

// action is the first matching rule's action, or else a random failure, or "" for none.
// Only a non-zero probability draws from the seeded source.
func (in *injector) action(f rootField) string {
	if action := in.ruleAction(f); action != "" {
		return action
	}
	of := in.set.ops[f.op]
	if of.Fail503 > 0 && in.rng.Float64() < of.Fail503 {
		return Action503
	}
	if of.Fail504 > 0 && in.rng.Float64() < of.Fail504 {
		return Action504AfterCommit
	}
	return ""
}
