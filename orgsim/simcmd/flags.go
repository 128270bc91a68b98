// Package simcmd is the command line of cmd/orgplatform-sim: it turns flags into an
// orgsim.Config and serves the simulator until it is told to stop. It is a package rather than
// main so that tests can run the whole command in-process.
package simcmd

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/acme/storeimport/orgsim"
)

// tokenEnv lets a token stay out of the process list.
const tokenEnv = "ORG_SIM_TOKEN"

type options struct {
	addr       string
	addrFile   string
	configPath string
	requestLog string

	org       string
	orgName   string
	shopLimit int
	token     string

	rate    float64
	burst   int
	latency time.Duration
	seed    int64
	fail503 map[string]float64
	fail504 map[string]float64
	rules   []orgsim.Rule

	killAfter   killSpec
	killPIDFile string

	set map[string]bool // flags given on the command line
}

// killSpec is --kill-after OP:N: the Nth successful commit of OP.
type killSpec struct {
	op string
	n  int
}

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (*options, error) {
	o := &options{fail503: map[string]float64{}, fail504: map[string]float64{}, set: map[string]bool{}}
	fs := flag.NewFlagSet("orgplatform-sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:0", "listen `address`")
	fs.StringVar(&o.addrFile, "addr-file", "", "write the endpoint URL to this `file` once listening")
	fs.StringVar(&o.configPath, "config", "", "JSON simulator config `file`; the flags below add to it")
	fs.StringVar(&o.requestLog, "request-log", "", "write the request log as JSON lines to this `file`")
	fs.StringVar(&o.org, "org", "", "add an organization with this `id`")
	fs.StringVar(&o.orgName, "org-name", "", "the --org organization's `name` (default: its id)")
	fs.IntVar(&o.shopLimit, "shop-limit", 1000, "the --org organization's shop `limit`")
	fs.StringVar(&o.token, "token", "", "add a bearer `token` for every organization (default $"+tokenEnv+")")
	fs.Float64Var(&o.rate, "rate", 0, "rate limit per token in `requests/second` (0: none)")
	fs.IntVar(&o.burst, "burst", 0, "rate limit `burst` (0: the rate rounded up)")
	fs.DurationVar(&o.latency, "latency", 0, "`duration` added to every request")
	fs.Int64Var(&o.seed, "seed", 0, "`seed` of the random faults")
	fs.Func("fail-503", "answer 503 before processing `op=p`: operation op with probability p (repeatable)", probFlag(o.fail503))
	fs.Func("fail-504", "process, then answer 504 to `op=p`: operation op with probability p (repeatable)", probFlag(o.fail504))
	fs.Func("rule", "fail op for shop names matching pattern, as `op:pattern:action` with action 429, 503, 504-after-commit or an error code like INVALID_INPUT (repeatable)", func(v string) error {
		r, err := parseRule(v)
		if err == nil {
			o.rules = append(o.rules, r)
		}
		return err
	})
	fs.Func("kill-after", "SIGKILL the process in --kill-pid-file right after commit N of mutation OP, given as `OP:N`", func(v string) error {
		k, err := parseKillSpec(v)
		o.killAfter = k
		return err
	})
	fs.StringVar(&o.killPIDFile, "kill-pid-file", "", "`file` holding the pid that --kill-after kills")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
	if o.token == "" {
		o.token = getenv(tokenEnv)
	}
	if (o.killAfter.op == "") != (o.killPIDFile == "") {
		return nil, errors.New("--kill-after and --kill-pid-file go together")
	}
	return o, nil
}

func probFlag(into map[string]float64) func(string) error {
	return func(v string) error {
		op, p, ok := strings.Cut(v, "=")
		if !ok {
			return fmt.Errorf("%q is not op=probability", v)
		}
		prob, err := strconv.ParseFloat(p, 64)
		if err != nil {
			return fmt.Errorf("probability of %s: %w", op, err)
		}
		into[op] = prob
		return nil
	}
}

// parseRule reads op:pattern:action; the pattern may itself hold colons.
func parseRule(v string) (orgsim.Rule, error) {
	op, rest, ok := strings.Cut(v, ":")
	i := strings.LastIndex(rest, ":")
	if !ok || i < 0 {
		return orgsim.Rule{}, fmt.Errorf("%q is not op:pattern:action", v)
	}
	return orgsim.Rule{Op: op, Pattern: rest[:i], Action: rest[i+1:]}, nil
}

func parseKillSpec(v string) (killSpec, error) {
	op, count, ok := strings.Cut(v, ":")
	n, err := strconv.Atoi(count)
	if !ok || err != nil || n < 1 {
		return killSpec{}, fmt.Errorf("%q is not OP:N with N >= 1", v)
	}
	switch op {
	case orgsim.OpCreateShop, orgsim.OpAssignServiceToOrganization, orgsim.OpDeleteShop:
	default:
		return killSpec{}, fmt.Errorf("--kill-after: %q is not a mutation", op)
	}
	return killSpec{op: op, n: n}, nil
}

// config is the --config file with the other flags applied on top.
func (o *options) config() (orgsim.Config, error) {
	var cfg orgsim.Config
	if o.configPath != "" {
		var err error
		if cfg, err = orgsim.LoadConfig(o.configPath); err != nil {
			return cfg, err
		}
	}
	if o.org != "" {
		name := o.orgName
		if name == "" {
			name = o.org
		}
		cfg.Organizations = append(cfg.Organizations, orgsim.Org{ID: o.org, Name: name, ShopLimit: o.shopLimit})
	}
	if o.token != "" {
		t := orgsim.Token{Value: o.token}
		for _, org := range cfg.Organizations {
			t.Orgs = append(t.Orgs, org.ID)
		}
		cfg.Tokens = append(cfg.Tokens, t)
	}
	if o.set["rate"] {
		cfg.RateLimit.RPS = o.rate
	}
	if o.set["burst"] {
		cfg.RateLimit.Burst = o.burst
	}
	if o.set["latency"] {
		cfg.Faults.Latency = o.latency
	}
	if o.set["seed"] {
		cfg.Seed = o.seed
	}
	for op, p := range o.fail503 {
		cfg.Faults.Ops = withOp(cfg.Faults.Ops, op, func(f *orgsim.OpFaults) { f.Fail503 = p })
	}
	for op, p := range o.fail504 {
		cfg.Faults.Ops = withOp(cfg.Faults.Ops, op, func(f *orgsim.OpFaults) { f.Fail504 = p })
	}
	cfg.Faults.Rules = append(cfg.Faults.Rules, o.rules...)
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("simulator config: %w", err)
	}
	return cfg, nil
}

func withOp(ops map[string]orgsim.OpFaults, op string, set func(*orgsim.OpFaults)) map[string]orgsim.OpFaults {
	if ops == nil {
		ops = map[string]orgsim.OpFaults{}
	}
	f := ops[op]
	set(&f)
	ops[op] = f
	return ops
}
