package supportpage

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/internal/pagetest"
)

// TestATemplateThereIsNoneOfIsRefused: the page refuses what the command line refuses, with the
// importer's message.
func TestATemplateThereIsNoneOfIsRefused(t *testing.T) {
	p := startPage(t, Config{})
	for query, opts := range map[string]struct {
		format string
		opts   importer.TemplateOptions
	}{
		"lang=&encoding=utf8&format=csv":     {"csv", importer.TemplateOptions{Lang: "", Encoding: "utf8"}},
		"lang=fr&encoding=utf8&format=xlsx":  {"xlsx", importer.TemplateOptions{Lang: "fr", Encoding: "utf8"}},
		"lang=ja&encoding=latin1&format=csv": {"csv", importer.TemplateOptions{Lang: "ja", Encoding: "latin1"}},
		"lang=ja&encoding=utf8&format=pdf":   {"pdf", importer.TemplateOptions{Lang: "ja", Encoding: "utf8"}},
	} {
		want := importer.CheckTemplate(opts.format, opts.opts)
		var choice *importer.TemplateChoiceError
		if !errors.As(want, &choice) {
			t.Fatalf("%s: importer.CheckTemplate gives %v, want a TemplateChoiceError", query, want)
		}
		resp, doc := p.client.Get("/template?" + query)
		if resp.StatusCode != http.StatusBadRequest || pagetest.ByID(doc, "template-error") == nil {
			t.Errorf("/template?%s: %s, want 400 and #template-error", query, resp.Status)
		}
		if got := pagetest.TextOf(doc, "template-error"); !strings.HasSuffix(got, want.Error()) {
			t.Errorf("/template?%s: #template-error %q, want it to end with %q", query, got, want.Error())
		}
	}
}
