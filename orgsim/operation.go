package orgsim

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/executor"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/acme/storeimport/orgsim/internal/graph"
)

// params is a GraphQL-over-HTTP request body.
type params struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName,omitempty"`
	Variables     map[string]any `json:"variables,omitempty"`
}

// operation is a parsed and validated request, ready for faults to look at and to execute.
type operation struct {
	ctx    *graphql.OperationContext
	errs   gqlerror.List // parse or validation errors: answered as they are, nothing executed
	name   string        // the operation's name in the document, if it has one
	kind   string        // query or mutation
	fields []rootField
}

// names is the operation's root fields for the request log.
func (op *operation) names() string {
	names := make([]string, len(op.fields))
	for i, f := range op.fields {
		names[i] = f.op
	}
	return strings.Join(names, ",")
}

// newExecutor builds the gqlgen executor the HTTP layer drives itself: the simulator needs to
// see the operation before it runs (faults, idempotency, logging), which gqlgen's own HTTP
// handler does not allow.
func newExecutor(r *resolvers) *executor.Executor {
	exec := executor.New(graph.NewExecutableSchema(graph.Config{Resolvers: r}))
	exec.SetErrorPresenter(presentError)
	exec.SetRecoverFunc(recoverPanic)
	// The importer sends the same few documents over and over.
	exec.SetQueryCache(lru.New[*ast.QueryDocument](100))
	exec.AroundFields(injectRuleErrors)
	return exec
}

// injectRuleErrors answers a root field that a fault rule picked with the rule's error code,
// without calling its resolver. Doing it here lets gqlgen build the error's path and the null
// of the field as for any resolver error.
func injectRuleErrors(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc.Object == "Query" || fc.Object == "Mutation" {
		if code, ok := requestFrom(ctx).injected[fc.Field.Alias]; ok {
			return nil, errorf(code, "%s refused by a fault rule of the simulator", fc.Field.Name)
		}
	}
	return next(ctx)
}

// parse parses and validates the request against the schema and finds its root fields.
func (s *Server) parse(ctx context.Context, p *params) *operation {
	opCtx, errs := s.exec.CreateOperationContext(ctx, &graphql.RawParams{
		Query:         p.Query,
		OperationName: p.OperationName,
		Variables:     p.Variables,
	})
	if errs != nil {
		return &operation{ctx: opCtx, errs: errs, name: p.OperationName}
	}
	// Introspection lets GraphQL tools explore the simulator; it exposes nothing the SDL does not.
	opCtx.DisableIntrospection = false
	op := &operation{ctx: opCtx, name: opCtx.Operation.Name, kind: string(opCtx.Operation.Operation)}
	root := "Query"
	if opCtx.Operation.Operation == ast.Mutation {
		root = "Mutation"
	}
	for _, f := range graphql.CollectFields(opCtx, opCtx.Operation.SelectionSet, []string{root}) {
		if strings.HasPrefix(f.Name, "__") {
			continue
		}
		op.fields = append(op.fields, rootField{
			key:      f.Alias,
			op:       f.Name,
			shopName: s.subjectName(f.Name, f.ArgumentMap(opCtx.Variables)),
		})
	}
	return op
}

// subjectName is the shop name fault rules match for a root field (see Rule).
func (s *Server) subjectName(op string, args map[string]any) string {
	input, _ := args["input"].(map[string]any)
	var shopID string
	switch op {
	case OpCreateShop:
		name, _ := input["name"].(string)
		return name
	case OpAssignServiceToOrganization, OpDeleteShop:
		shopID, _ = input["shopId"].(string)
	case OpShop:
		shopID, _ = args["id"].(string)
	default:
		return ""
	}
	sh, _ := s.store.shop(shopID)
	return sh.Name
}

// execute runs a parsed operation and encodes its response.
func (s *Server) execute(ctx context.Context, op *operation) storedResponse {
	ctx = graphql.WithOperationContext(ctx, op.ctx)
	var resp *graphql.Response
	if op.errs != nil {
		resp = s.exec.DispatchError(ctx, op.errs)
	} else {
		handler, ctx := s.exec.DispatchOperation(ctx, op.ctx)
		resp = handler(ctx)
	}
	body, err := json.Marshal(resp)
	if err != nil {
		// A response of strings and numbers always encodes; this is a bug, reported as one.
		return storedResponse{status: 500, body: errorBody("encode response: " + err.Error()), outcome: CodeInternal}
	}
	return storedResponse{status: 200, body: body, outcome: outcomeOf(resp)}
}

// outcomeOf is "ok", or the code of the response's first error.
func outcomeOf(resp *graphql.Response) string {
	if len(resp.Errors) == 0 {
		return OutcomeOK
	}
	if code, ok := resp.Errors[0].Extensions["code"].(string); ok {
		return code
	}
	return OutcomeError
}

// errorBody is the body of an HTTP-level refusal: a GraphQL-shaped error a person can read.
func errorBody(message string) []byte {
	body, _ := json.Marshal(map[string]any{"errors": []map[string]string{{"message": message}}})
	return body
}
