package orgsim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Config describes a simulator: who exists, who may call, and how badly it behaves.
// Its JSON form (see LoadConfig) is
//
//	{
//	  "organizations": [{"id": "org_1", "name": "Acme", "shopLimit": 1000}],
//	  "tokens": [{"value": "secret", "orgs": ["org_1"]}],
//	  "rateLimit": {"rps": 50, "burst": 100},
//	  "faults": {
//	    "latency": "20ms",
//	    "ops": {"createShop": {"fail503": 0.05, "fail504": 0.02}},
//	    "rules": [{"op": "deleteShop", "pattern": "^FAILDEL", "action": "503"}]
//	  },
//	  "seed": 42
//	}
type Config struct {
	Organizations []Org     `json:"organizations"`
	Tokens        []Token   `json:"tokens"`
	RateLimit     RateLimit `json:"rateLimit"`
	Faults        Faults    `json:"faults"`
	// Seed makes the injected faults reproducible for a given order of requests.
	Seed int64 `json:"seed"`

	// Now is the clock for createdAt, rate limiting, Idempotency-Key expiry and the request log;
	// nil means time.Now. Tests pass a fake clock. Latency is always real time.
	Now func() time.Time `json:"-"`
	// AfterCommit, when set, is called after every successful mutation with the root field
	// (createShop, ...) and how many times that mutation has now succeeded, before the response
	// is stored for its Idempotency-Key and written. Crash tests use it to kill a client right
	// after the platform committed; a test may also block in it to hold a request in flight.
	AfterCommit func(op string, n int) `json:"-"`
	// RequestLog, when set, receives every LogEntry as one JSON line as soon as it is logged.
	RequestLog io.Writer `json:"-"`
}

// Org is an organization: the business that owns shops.
type Org struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	ShopLimit int    `json:"shopLimit"`
}

// Token is a bearer token and the organizations it was issued for.
type Token struct {
	Value string   `json:"value"`
	Orgs  []string `json:"orgs"`
}

// RateLimit is a token bucket per token. RPS 0 means no limit; Burst 0 means max(1, ceil(RPS)).
type RateLimit struct {
	RPS   float64 `json:"rps"`
	Burst int     `json:"burst"`
}

// LoadConfig reads a Config from a JSON file and validates it.
func LoadConfig(path string) (Config, error) {
	var cfg Config
	data, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("read simulator config: %w", err)
	}
	if err := json.Unmarshal(data, &cfg); err != nil {
		return cfg, fmt.Errorf("parse simulator config %s: %w", path, err)
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("simulator config %s: %w", path, err)
	}
	return cfg, nil
}

// Validate reports what makes the Config unusable; New panics on such a Config.
func (c Config) Validate() error {
	var errs []error
	orgs := map[string]bool{}
	for _, o := range c.Organizations {
		if err := o.validate(); err != nil {
			errs = append(errs, err)
		}
		if orgs[o.ID] {
			errs = append(errs, fmt.Errorf("organization %q defined twice", o.ID))
		}
		orgs[o.ID] = true
	}
	tokens := map[string]bool{}
	for i, t := range c.Tokens {
		if t.Value == "" {
			errs = append(errs, fmt.Errorf("token #%d has no value", i+1))
		}
		if tokens[t.Value] {
			// Say which entry, never the token itself.
			errs = append(errs, fmt.Errorf("token #%d is defined twice", i+1))
		}
		tokens[t.Value] = true
	}
	if c.RateLimit.RPS < 0 || c.RateLimit.Burst < 0 {
		errs = append(errs, errors.New("rate limit must not be negative"))
	}
	if _, err := compileFaults(c.Faults); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (o Org) validate() error {
	if o.ID == "" {
		return errors.New("an organization has no id")
	}
	if o.ShopLimit < 0 {
		return fmt.Errorf("organization %q: negative shopLimit", o.ID)
	}
	return nil
}
