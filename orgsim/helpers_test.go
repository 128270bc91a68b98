package orgsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

const (
	tokenA = "token-a-secret" // may touch org_a and org_ghost (which does not exist)
	tokenB = "token-b-secret" // may touch org_b
)

const (
	createShopQuery = `mutation CreateShop($input: CreateShopInput!) {
  createShop(input: $input) { shop { id organizationId name location services createdAt } }
}`
	assignQuery = `mutation Assign($input: AssignServiceToOrganizationInput!) {
  assignServiceToOrganization(input: $input) { shop { id services } }
}`
	deleteQuery = `mutation DeleteShop($input: DeleteShopInput!) {
  deleteShop(input: $input) { deletedShopId }
}`
	shopsQuery = `query Shops($org: ID!, $first: Int, $after: String) {
  shops(organizationId: $org, first: $first, after: $after) {
    nodes { id name } pageInfo { endCursor hasNextPage }
  }
}`
	shopQuery = `query Shop($id: ID!) { shop(id: $id) { id name services } }`
	orgQuery  = `query Org($id: ID!) { organization(id: $id) { id name shopLimit } }`
)

// fakeClock is a clock a test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// baseConfig has two organizations, each with its own token, and a fake clock.
func baseConfig(clock *fakeClock) Config {
	return Config{
		Organizations: []Org{
			{ID: "org_a", Name: "Org A", ShopLimit: 1000},
			{ID: "org_b", Name: "Org B", ShopLimit: 1000},
		},
		Tokens: []Token{
			{Value: tokenA, Orgs: []string{"org_a", "org_ghost"}},
			{Value: tokenB, Orgs: []string{"org_b"}},
		},
		Now:  clock.Now,
		Seed: 1,
	}
}

// startSim serves a simulator on 127.0.0.1 for the test.
func startSim(t *testing.T, cfg Config) (*Server, string) {
	t.Helper()
	sim := New(cfg)
	return sim, httptestServer(t, sim)
}

// httptestServer serves sim on 127.0.0.1 until the test ends and returns its endpoint.
func httptestServer(t *testing.T, sim *Server) string {
	t.Helper()
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	return ts.URL + "/graphql"
}

// result is an HTTP answer and, when it is one, its GraphQL response.
type result struct {
	status int
	header http.Header
	body   []byte
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// code is the first error's extensions.code, or "".
func (r *result) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	code, _ := r.Errors[0].Extensions["code"].(string)
	return code
}

// field decodes data[name] into v.
func (r *result) field(t *testing.T, name string, v any) {
	t.Helper()
	raw, ok := r.Data[name]
	if !ok {
		t.Fatalf("no data.%s in %s", name, r.body)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decode data.%s: %v (%s)", name, err, r.body)
	}
}

// request is a raw GraphQL POST; the zero header values are left out.
type request struct {
	token  string
	key    string
	query  string
	vars   map[string]any
	opName string
	body   string // sent as is instead of query/vars when set
}

func do(t *testing.T, url string, req request) *result {
	t.Helper()
	r, err := send(url, req)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// send is do for goroutines other than the test's, where t.Fatal must not be called.
func send(url string, req request) (*result, error) {
	body := []byte(req.body)
	if req.body == "" {
		var err error
		body, err = json.Marshal(map[string]any{"query": req.query, "operationName": req.opName, "variables": req.vars})
		if err != nil {
			return nil, err
		}
	}
	httpReq, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	httpReq.Header.Set("Content-Type", "application/json")
	if req.token != "" {
		httpReq.Header.Set("Authorization", "Bearer "+req.token)
	}
	if req.key != "" {
		httpReq.Header.Set("Idempotency-Key", req.key)
	}
	resp, err := http.DefaultClient.Do(httpReq)
	if err != nil {
		return nil, fmt.Errorf("POST: %w", err)
	}
	defer resp.Body.Close()
	r := &result{status: resp.StatusCode, header: resp.Header}
	if r.body, err = io.ReadAll(resp.Body); err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(r.body, r); err != nil {
			return nil, fmt.Errorf("decode response: %w (%s)", err, r.body)
		}
	}
	return r, nil
}

type gqlShop struct {
	ID             string   `json:"id"`
	OrganizationID string   `json:"organizationId"`
	Name           string   `json:"name"`
	Location       string   `json:"location"`
	Services       []string `json:"services"`
	CreatedAt      string   `json:"createdAt"`
}

func createReq(token, org, name string) request {
	return request{token: token, query: createShopQuery, opName: "CreateShop",
		vars: map[string]any{"input": map[string]any{"organizationId": org, "name": name, "location": "Berlin"}}}
}

// mustCreate creates a shop and returns its id.
func mustCreate(t *testing.T, url, token, org, name string) string {
	t.Helper()
	r := do(t, url, createReq(token, org, name))
	if r.status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("createShop %q: %d %s", name, r.status, r.body)
	}
	var payload struct{ Shop gqlShop }
	r.field(t, "createShop", &payload)
	return payload.Shop.ID
}

func deleteReq(token, shopID string) request {
	return request{token: token, query: deleteQuery, vars: map[string]any{"input": map[string]any{"shopId": shopID}}}
}

func assignReq(token, org, shopID string) request {
	return request{token: token, query: assignQuery,
		vars: map[string]any{"input": map[string]any{"organizationId": org, "shopId": shopID, "service": "RESERVATION"}}}
}
