// Package orgclient talks to the organization platform (../shared/orgplatform-contract.md) through
// code that genqlient generates from the one SDL in schema/. What the contract asks of every caller,
// bearer auth, one shared rate limit, timeouts and retries with a stable Idempotency-Key, lives in
// the HTTP transport, so no call site can forget it.
package orgclient

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/Khan/genqlient/graphql"
)

// Config is what a Client needs. Only Endpoint and Token are required.
type Config struct {
	Endpoint string
	Token    string
	Insecure bool // allow plain http:// to a host that is not loopback

	Rate  float64 // requests per second, every attempt counted; default 5
	Burst int     // default 1

	Timeout     time.Duration // one attempt, body included; default 30s
	MaxAttempts int           // per call, the first one included; default 6
	BaseBackoff time.Duration // default 200ms
	MaxBackoff  time.Duration // default 10s

	// NewLimiter makes the rate limit every request waits on, at the rate and burst the client
	// keeps (a little under Rate and Burst, see rateMargin); default x/time/rate, this process's
	// own. Workers that share a token pass one limit they share with each other.
	NewLimiter NewLimiter

	Logger    *slog.Logger      // per-request lines at debug level; default discards
	Transport http.RoundTripper // default http.DefaultTransport
}

// rateMargin keeps the client a little under the configured rate, and New leaves the last token
// of a burst above 1 unused: requests reach the platform with milliseconds of jitter (a new
// connection's handshake delays the first ones most), and a platform bucket of the very same rate
// and burst would otherwise now and then see them closer together than the client sent them.
const rateMargin = 0.97

// KeptLimit is the rate and burst a client configured with rate and burst keeps to, which its
// Config.NewLimiter is given.
func KeptLimit(rate float64, burst int) (perSecond float64, keptBurst int) {
	return rate * rateMargin, max(burst-1, 1)
}

// Client calls the platform. It is safe for concurrent use; all callers share one rate limit.
type Client struct {
	gql   graphql.Client
	stats *Stats
	token string // only ever sent as the bearer header, or fingerprinted
}

// New checks cfg and builds a client. It sends nothing.
func New(cfg Config) (*Client, error) {
	u, err := ParseEndpoint(cfg.Endpoint, cfg.Insecure)
	if err != nil {
		return nil, err
	}
	if cfg.Token == "" {
		return nil, errors.New("no platform token: pass --token-file or set ORG_PLATFORM_TOKEN")
	}
	cfg = withDefaults(cfg)
	stats := &Stats{}
	limits := &limited{
		limiter: cfg.NewLimiter(KeptLimit(cfg.Rate, cfg.Burst)),
		next:    &timed{timeout: cfg.Timeout, next: &bearer{token: cfg.Token, next: cfg.Transport}},
	}
	transport := &retrying{
		next:        limits,
		limits:      limits,
		maxAttempts: cfg.MaxAttempts,
		baseBackoff: cfg.BaseBackoff,
		maxBackoff:  cfg.MaxBackoff,
		log:         cfg.Logger,
		stats:       stats,
	}
	return &Client{
		gql:   graphql.NewClient(u.String(), &http.Client{Transport: transport, CheckRedirect: refuseRedirects(cfg.Token)}),
		stats: stats,
		token: cfg.Token,
	}, nil
}

func withDefaults(cfg Config) Config {
	if cfg.Rate <= 0 {
		cfg.Rate = 5
	}
	if cfg.Burst <= 0 {
		cfg.Burst = 1
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 6
	}
	if cfg.BaseBackoff <= 0 {
		cfg.BaseBackoff = 200 * time.Millisecond
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 10 * time.Second
	}
	if cfg.NewLimiter == nil {
		cfg.NewLimiter = ownLimiter
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Transport == nil {
		cfg.Transport = http.DefaultTransport
	}
	return cfg
}

// Stats reports what the client has sent so far.
func (c *Client) Stats() *Stats { return c.stats }

// Organization is the platform's organization.
type Organization struct {
	ID        string
	Name      string
	ShopLimit int
}

// Shop is the platform's shop.
type Shop struct {
	ID             string
	OrganizationID string
	Name           string
	Location       string
	Services       []string
	CreatedAt      string
}

// HasService reports whether the shop has service turned on.
func (s *Shop) HasService(service string) bool {
	for _, have := range s.Services {
		if have == service {
			return true
		}
	}
	return false
}

// Reservation is the service the importer turns on for each shop.
const Reservation = string(ServiceKindReservation)

// Organization returns the organization, or nil when the platform has none with that id.
func (c *Client) Organization(ctx context.Context, id string) (*Organization, error) {
	resp, err := GetOrganization(ctx, c.gql, id)
	if err != nil {
		return nil, classify("organization", err)
	}
	org := resp.GetOrganization()
	if org == nil {
		return nil, nil
	}
	return &Organization{ID: org.Id, Name: org.Name, ShopLimit: org.ShopLimit}, nil
}

// Shop returns the live shop, or nil when it does not exist or was deleted.
func (c *Client) Shop(ctx context.Context, id string) (*Shop, error) {
	resp, err := GetShop(ctx, c.gql, id)
	if err != nil {
		return nil, classify("shop", err)
	}
	if resp.GetShop() == nil {
		return nil, nil
	}
	return toShop(resp.GetShop().ShopFields), nil
}

// shopsPage is the largest page the contract allows, to spend as few rate-limited requests as possible.
const shopsPage = 500

// Shops returns all of the organization's live shops, oldest first, following every page.
func (c *Client) Shops(ctx context.Context, organizationID string) ([]Shop, error) {
	var shops []Shop
	var after *string
	for {
		resp, err := ListShops(ctx, c.gql, organizationID, shopsPage, after)
		if err != nil {
			return nil, classify("shops", err)
		}
		page := resp.GetShops()
		for _, node := range page.Nodes {
			shops = append(shops, *toShop(node.ShopFields))
		}
		next := page.PageInfo.EndCursor
		if !page.PageInfo.HasNextPage || next == nil || (after != nil && *next == *after) {
			return shops, nil
		}
		after = next
	}
}

// CreateShop creates a shop. key is the Idempotency-Key: the same key with the same arguments
// returns the first call's shop instead of making another.
func (c *Client) CreateShop(ctx context.Context, key, organizationID, name, location string) (*Shop, error) {
	input := CreateShopInput{OrganizationId: organizationID, Name: name, Location: location}
	ctx, state := mutation(ctx, key)
	resp, err := CreateShop(ctx, c.gql, input)
	if err != nil {
		return nil, mutationError("createShop", err, state)
	}
	if resp.GetCreateShop() == nil {
		return nil, &Error{Op: "createShop", Kind: ErrProtocol, Message: "no payload and no error"}
	}
	return toShop(resp.GetCreateShop().Shop.ShopFields), nil
}

// AssignReservation turns the reservation service on for the shop; doing it twice is harmless.
func (c *Client) AssignReservation(ctx context.Context, key, organizationID, shopID string) (*Shop, error) {
	input := AssignServiceToOrganizationInput{OrganizationId: organizationID, ShopId: shopID, Service: ServiceKindReservation}
	ctx, state := mutation(ctx, key)
	resp, err := AssignService(ctx, c.gql, input)
	if err != nil {
		return nil, mutationError("assignServiceToOrganization", err, state)
	}
	if resp.GetAssignServiceToOrganization() == nil {
		return nil, &Error{Op: "assignServiceToOrganization", Kind: ErrProtocol, Message: "no payload and no error"}
	}
	return toShop(resp.GetAssignServiceToOrganization().Shop.ShopFields), nil
}

// DeleteShop deletes the shop. A shop that is already gone gives ErrNotFound.
func (c *Client) DeleteShop(ctx context.Context, key, shopID string) error {
	ctx, state := mutation(ctx, key)
	_, err := DeleteShop(ctx, c.gql, DeleteShopInput{ShopId: shopID})
	if err != nil {
		return mutationError("deleteShop", err, state)
	}
	return nil
}

// mutation marks a mutation's requests with its Idempotency-Key and gives it a callState.
func mutation(ctx context.Context, key string) (context.Context, *callState) {
	return withCallState(withIdempotencyKey(ctx, key))
}

// mutationError classifies a failed mutation. After a try that got no answer, only a refusal that
// comes from processing the request (NOT_FOUND, INVALID_INPUT, SHOP_LIMIT_EXCEEDED, which the
// platform would have answered with the first try's kept answer had that try been processed)
// proves the change was not made; PERMISSION_DENIED may come from a gate before the platform looks
// at the key, so it proves nothing of the first try.
func mutationError(op string, err error, state *callState) error {
	classified := classify(op, err)
	var platformErr *Error
	if !state.unanswered || !errors.As(classified, &platformErr) || !errors.Is(platformErr.Kind, ErrPermissionDenied) {
		return classified
	}
	return &Error{Op: op, Kind: ErrUnavailable, Status: platformErr.Status,
		Message: errEarlierAttemptUnanswered.Error() + "; the last try was refused: " + platformErr.Message}
}

func toShop(f ShopFields) *Shop {
	services := make([]string, len(f.Services))
	for i, s := range f.Services {
		services[i] = string(s)
	}
	return &Shop{
		ID:             f.Id,
		OrganizationID: f.OrganizationId,
		Name:           f.Name,
		Location:       f.Location,
		Services:       services,
		CreatedAt:      f.CreatedAt,
	}
}
