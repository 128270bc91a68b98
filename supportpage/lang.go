package supportpage

import (
	"net/http"
	"net/url"
	"path"
	"strings"

	"golang.org/x/text/language"

	"github.com/acme/storeimport/importer"
)

// langCookie remembers the language chosen with the page's switch.
const langCookie = "storeimport_lang"

// pageLang is the page's language: the one chosen with the switch, else English when the
// browser puts English first, else Japanese.
func pageLang(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == importer.LangJA || c.Value == importer.LangEN) {
		return c.Value
	}
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err == nil && len(tags) > 0 {
		if base, _ := tags[0].Base(); base.String() == importer.LangEN {
			return importer.LangEN
		}
	}
	return importer.LangJA
}

// switchLanguage answers the switch's links (?lang=ja or ?lang=en on any page): it remembers the
// choice and shows the same page again in that language. secure keeps the cookie to TLS.
func switchLanguage(w http.ResponseWriter, r *http.Request, secure bool) bool {
	query := r.URL.Query()
	lang := query.Get("lang")
	if r.Method != http.MethodGet || (lang != importer.LangJA && lang != importer.LangEN) || r.URL.Path == "/template" {
		return false
	}
	http.SetCookie(w, &http.Cookie{
		Name:     langCookie,
		Value:    lang,
		Path:     "/",
		MaxAge:   365 * 24 * 60 * 60,
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteStrictMode,
	})
	query.Del("lang")
	http.Redirect(w, r, sitePath(r.URL.Path, query), http.StatusSeeOther)
	return true
}

// sitePath is path on this site, with query: a request's path may start "//host" or "/\host",
// which a browser would follow to another site.
func sitePath(p string, query url.Values) string {
	p = path.Clean("/" + strings.ReplaceAll(p, `\`, "/"))
	return (&url.URL{Path: p, RawQuery: query.Encode()}).String()
}
