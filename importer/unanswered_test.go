package importer_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/orgsim"
)

// deniedAfterCommit plays a platform that commits the first createShop but loses its answer (504),
// then refuses every later one with PERMISSION_DENIED from a gate in front of its key store.
func (h *harness) deniedAfterCommit() {
	var creates atomic.Int32
	next := h.sim.Handler()
	h.serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(peekBody(r), "createShop") {
			next.ServeHTTP(w, r)
			return
		}
		if creates.Add(1) == 1 {
			next.ServeHTTP(httptest.NewRecorder(), r)
			w.WriteHeader(http.StatusGatewayTimeout)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"data":null,"errors":[{"message":"denied","path":["createShop"],"extensions":{"code":"PERMISSION_DENIED"}}]}`)
	}), 1000, 10)
}

func peekBody(r *http.Request) string {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	return string(body)
}

// A refusal after a try that got no answer says nothing of that try, unless it comes from
// processing the request: the row stays in doubt, and the next run gets the first try's shop.
func TestPermissionDeniedAfterAnUnansweredTryLeavesTheRowInDoubt(t *testing.T) {
	h := newHarness(t, orgsim.Config{}, 1000, 10)
	h.deniedAfterCommit()

	report := h.run(header + row("denied-01", "拒否店"))

	if r := report.status("denied-01"); r.Status != importer.StatusNeedsAttention {
		t.Fatalf("row: %+v, want needs_attention: the first try made a shop", r)
	}
	h.serve(h.sim.Handler(), 1000, 10)
	again := h.run(header + row("denied-01", "拒否店"))
	if r := again.status("denied-01"); r.Status != importer.StatusSkipped {
		t.Errorf("once the platform answers: %+v, want skipped with the first try's shop", r)
	}
	if live := h.liveShops(); len(live) != 1 {
		t.Errorf("%d live shops, want exactly one", len(live))
	}
}
