package orgsim

import (
	"context"
	"time"

	"github.com/acme/storeimport/orgsim/internal/graph"
)

// shopsPageDefault and shopsPageMax bound shops(first:).
const (
	shopsPageDefault = 100
	shopsPageMax     = 500
)

// resolvers implements the generated schema's resolvers on the store. Permission is checked
// here, against the caller the HTTP layer put in the context.
type resolvers struct {
	store *store
	now   func() time.Time
}

func (r *resolvers) Query() graph.QueryResolver       { return (*queryResolver)(r) }
func (r *resolvers) Mutation() graph.MutationResolver { return (*mutationResolver)(r) }

type queryResolver resolvers

func (q *queryResolver) Organization(ctx context.Context, id string) (*graph.Organization, error) {
	if err := requestFrom(ctx).caller.check(id); err != nil {
		return nil, err
	}
	o, ok := q.store.org(id)
	if !ok {
		return nil, nil
	}
	return &graph.Organization{ID: o.ID, Name: o.Name, ShopLimit: o.ShopLimit}, nil
}

func (q *queryResolver) Shop(ctx context.Context, id string) (*graph.Shop, error) {
	s, ok := q.store.shop(id)
	if !ok {
		return nil, nil
	}
	if err := requestFrom(ctx).caller.check(s.OrganizationID); err != nil {
		return nil, err
	}
	if s.Deleted {
		return nil, nil
	}
	return toGraphShop(s), nil
}

func (q *queryResolver) Shops(ctx context.Context, organizationID string, first *int, after *string) (*graph.ShopConnection, error) {
	if err := requestFrom(ctx).caller.check(organizationID); err != nil {
		return nil, err
	}
	n := shopsPageDefault
	if first != nil {
		n = *first
	}
	if n < 0 || n > shopsPageMax {
		return nil, errorf(CodeInvalidInput, "first must be 0..%d, got %d", shopsPageMax, n)
	}
	afterSeq := 0
	if after != nil {
		seq, err := decodeCursor(*after)
		if err != nil {
			return nil, errorf(CodeInvalidInput, "after: %v", err)
		}
		afterSeq = seq
	}
	shops, more, last, err := q.store.page(organizationID, afterSeq, n)
	if err != nil {
		return nil, err
	}
	conn := &graph.ShopConnection{Nodes: make([]*graph.Shop, 0, len(shops)), PageInfo: &graph.PageInfo{HasNextPage: more}}
	for _, s := range shops {
		conn.Nodes = append(conn.Nodes, toGraphShop(s))
	}
	if len(shops) > 0 {
		c := encodeCursor(last)
		conn.PageInfo.EndCursor = &c
	}
	return conn, nil
}

type mutationResolver resolvers

func (m *mutationResolver) CreateShop(ctx context.Context, input graph.CreateShopInput) (*graph.CreateShopPayload, error) {
	req := requestFrom(ctx)
	if err := req.caller.check(input.OrganizationID); err != nil {
		return nil, err
	}
	s, n, err := m.store.createShop(input.OrganizationID, input.Name, input.Location, m.now())
	if err != nil {
		return nil, err
	}
	req.committed(OpCreateShop, n)
	return &graph.CreateShopPayload{Shop: toGraphShop(s)}, nil
}

func (m *mutationResolver) AssignServiceToOrganization(ctx context.Context, input graph.AssignServiceToOrganizationInput) (*graph.AssignServiceToOrganizationPayload, error) {
	req := requestFrom(ctx)
	if err := req.caller.check(input.OrganizationID); err != nil {
		return nil, err
	}
	s, n, err := m.store.assignService(input.OrganizationID, input.ShopID, string(input.Service))
	if err != nil {
		return nil, err
	}
	req.committed(OpAssignServiceToOrganization, n)
	return &graph.AssignServiceToOrganizationPayload{Shop: toGraphShop(s)}, nil
}

func (m *mutationResolver) DeleteShop(ctx context.Context, input graph.DeleteShopInput) (*graph.DeleteShopPayload, error) {
	req := requestFrom(ctx)
	// A shop's organization never changes, so checking before deleting is not racy.
	if s, ok := m.store.shop(input.ShopID); ok {
		if err := req.caller.check(s.OrganizationID); err != nil {
			return nil, err
		}
	}
	n, err := m.store.deleteShop(input.ShopID)
	if err != nil {
		return nil, err
	}
	req.committed(OpDeleteShop, n)
	return &graph.DeleteShopPayload{DeletedShopID: input.ShopID}, nil
}

func toGraphShop(s Shop) *graph.Shop {
	services := make([]graph.ServiceKind, 0, len(s.Services))
	for _, k := range s.Services {
		services = append(services, graph.ServiceKind(k))
	}
	return &graph.Shop{
		ID:             s.ID,
		OrganizationID: s.OrganizationID,
		Name:           s.Name,
		Location:       s.Location,
		Services:       services,
		CreatedAt:      s.CreatedAt.Format(time.RFC3339),
	}
}
