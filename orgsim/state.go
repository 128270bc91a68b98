package orgsim

import (
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"
	"unicode/utf8"
)

// ServiceReservation is the one service kind the platform knows.
const ServiceReservation = "RESERVATION"

// Shop is a shop as the simulator holds it, for tests to inspect.
type Shop struct {
	ID             string
	OrganizationID string
	Name           string
	Location       string
	Services       []string
	CreatedAt      time.Time
	Deleted        bool
}

// Platform rules on createShop's input, in characters (runes), not bytes.
const (
	maxNameLen     = 100
	maxLocationLen = 200
)

// store is the platform's data. One mutex keeps it simple and every operation atomic; the
// simulator's throughput is far above what the importer needs.
type store struct {
	mu      sync.Mutex
	orgs    map[string]*orgState
	shops   map[string]*shopRecord
	seq     int            // shops ever created; makes the ids and orders the pages
	commits map[string]int // successful mutations per operation
}

type orgState struct {
	Org
	shops []*shopRecord // every shop ever created, oldest first
	live  int
}

// shopRecord is a shop and its place in creation order, which is what page cursors hold.
type shopRecord struct {
	Shop
	seq int
}

func newStore() *store {
	return &store{orgs: map[string]*orgState{}, shops: map[string]*shopRecord{}, commits: map[string]int{}}
}

func (st *store) addOrg(o Org) error {
	if err := o.validate(); err != nil {
		return err
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, ok := st.orgs[o.ID]; ok {
		return fmt.Errorf("organization %q already exists", o.ID)
	}
	st.orgs[o.ID] = &orgState{Org: o}
	return nil
}

func (st *store) org(id string) (Org, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	o, ok := st.orgs[id]
	if !ok {
		return Org{}, false
	}
	return o.Org, true
}

// shop returns a copy of the shop, deleted or not.
func (st *store) shop(id string) (Shop, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s, ok := st.shops[id]
	if !ok {
		return Shop{}, false
	}
	return s.snapshot(), true
}

// snapshot is a copy that shares nothing with the store.
func (r *shopRecord) snapshot() Shop {
	c := r.Shop
	c.Services = slices.Clone(r.Services)
	return c
}

// commit counts a successful mutation and returns how many of that kind there have been.
// Callers hold st.mu, so the count is taken atomically with the change it counts.
func (st *store) commit(op string) int {
	st.commits[op]++
	return st.commits[op]
}

func (st *store) createShop(orgID, name, location string, now time.Time) (Shop, int, error) {
	if n := utf8.RuneCountInString(name); n < 1 || n > maxNameLen {
		return Shop{}, 0, errorf(CodeInvalidInput, "name must be 1..%d characters, got %d", maxNameLen, n)
	}
	if n := utf8.RuneCountInString(location); n < 1 || n > maxLocationLen {
		return Shop{}, 0, errorf(CodeInvalidInput, "location must be 1..%d characters, got %d", maxLocationLen, n)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	o, ok := st.orgs[orgID]
	if !ok {
		return Shop{}, 0, errorf(CodeNotFound, "organization %q not found", orgID)
	}
	if o.live >= o.ShopLimit {
		return Shop{}, 0, errorf(CodeShopLimitExceeded, "organization %q already has %d shops, its limit", orgID, o.live)
	}
	st.seq++
	s := &shopRecord{seq: st.seq, Shop: Shop{
		ID:             fmt.Sprintf("shop_%06d", st.seq),
		OrganizationID: orgID,
		Name:           name,
		Location:       location,
		Services:       []string{},
		CreatedAt:      now.UTC(),
	}}
	st.shops[s.ID] = s
	o.shops = append(o.shops, s)
	o.live++
	return s.snapshot(), st.commit(OpCreateShop), nil
}

// assignService turns a service on for a shop of the organization; having it already is fine.
func (st *store) assignService(orgID, shopID, service string) (Shop, int, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, ok := st.orgs[orgID]; !ok {
		return Shop{}, 0, errorf(CodeNotFound, "organization %q not found", orgID)
	}
	s, ok := st.shops[shopID]
	if !ok || s.Deleted || s.OrganizationID != orgID {
		return Shop{}, 0, errorf(CodeNotFound, "shop %q not found in organization %q", shopID, orgID)
	}
	if !slices.Contains(s.Services, service) {
		s.Services = append(s.Services, service)
	}
	return s.snapshot(), st.commit(OpAssignServiceToOrganization), nil
}

func (st *store) deleteShop(shopID string) (int, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s, ok := st.shops[shopID]
	if !ok || s.Deleted {
		return 0, errorf(CodeNotFound, "shop %q not found", shopID)
	}
	s.Deleted = true
	st.orgs[s.OrganizationID].live--
	return st.commit(OpDeleteShop), nil
}

// page is up to first live shops of the organization created after the shop with sequence
// number afterSeq (0 for the start), whether more live shops follow, and the sequence number of
// the last shop returned.
func (st *store) page(orgID string, afterSeq, first int) ([]Shop, bool, int, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	o, ok := st.orgs[orgID]
	if !ok {
		return nil, false, 0, errorf(CodeNotFound, "organization %q not found", orgID)
	}
	// Shops are appended in sequence order, so the cursor's position is a binary search away.
	i := sort.Search(len(o.shops), func(i int) bool { return o.shops[i].seq > afterSeq })
	var out []Shop
	last := 0
	for ; i < len(o.shops); i++ {
		s := o.shops[i]
		if s.Deleted {
			continue
		}
		if len(out) == first {
			return out, true, last, nil
		}
		out = append(out, s.snapshot())
		last = s.seq
	}
	return out, false, last, nil
}

// shopsOf lists the organization's shops, oldest first, for tests to inspect.
func (st *store) shopsOf(orgID string, includeDeleted bool) []Shop {
	st.mu.Lock()
	defer st.mu.Unlock()
	o, ok := st.orgs[orgID]
	if !ok {
		return nil
	}
	var out []Shop
	for _, s := range o.shops {
		if includeDeleted || !s.Deleted {
			out = append(out, s.snapshot())
		}
	}
	return out
}
