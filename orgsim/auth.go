package orgsim

import (
	"errors"
	"fmt"
	"strings"
	"sync"
)

// caller is an authenticated token. Only its label ("token#1", in the order tokens were added)
// is ever logged or shown; the token value stays in the registry.
type caller struct {
	label string
	orgs  map[string]bool
}

// may reports whether the caller's token was issued for the organization.
func (c *caller) may(orgID string) bool { return c.orgs[orgID] }

func (c *caller) check(orgID string) error {
	if !c.may(orgID) {
		return errorf(CodePermissionDenied, "the token may not touch organization %q", orgID)
	}
	return nil
}

type tokenRegistry struct {
	mu      sync.RWMutex
	byValue map[string]*caller
}

func newTokenRegistry() *tokenRegistry {
	return &tokenRegistry{byValue: map[string]*caller{}}
}

func (tr *tokenRegistry) add(t Token) error {
	if t.Value == "" {
		return errors.New("token has no value")
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if _, ok := tr.byValue[t.Value]; ok {
		return errors.New("token already exists")
	}
	c := &caller{label: fmt.Sprintf("token#%d", len(tr.byValue)+1), orgs: map[string]bool{}}
	for _, id := range t.Orgs {
		c.orgs[id] = true
	}
	tr.byValue[t.Value] = c
	return nil
}

// authenticate finds the caller of an Authorization header value, or nil.
func (tr *tokenRegistry) authenticate(header string) *caller {
	scheme, value, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil
	}
	tr.mu.RLock()
	defer tr.mu.RUnlock()
	return tr.byValue[strings.TrimSpace(value)]
}
