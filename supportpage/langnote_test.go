package supportpage

import (
	"strings"
	"testing"

	"github.com/acme/storeimport/internal/pagetest"
)

// A result viewed in the other language than its check's says which language it is in, named in
// the page's language.
func TestResultInAnotherLanguageSaysWhichItIsIn(t *testing.T) {
	p := startPage(t, Config{})
	resp, _ := p.client.Upload(p.client.CSRF(), "org_1", "utf8.csv", merchantFile(t, "utf8.csv"))
	result := resp.Request.URL.Path
	for lang, want := range map[string]string{"en": "These results are in Japanese", "ja": ""} {
		_, doc := p.client.Get(result + "?lang=" + lang)
		text := pagetest.Text(pagetest.ByID(doc, "rows-heading").Parent)
		if want != "" && !strings.Contains(text, want) || want == "" && strings.Contains(text, "言語") {
			t.Errorf("the result in %s: %q, want the note %q", lang, text, want)
		}
	}
}
