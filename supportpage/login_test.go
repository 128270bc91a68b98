package supportpage

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/acme/storeimport/internal/pagetest"
)

// TestLoginAttemptsAreLimited: guesses from any number of browsers share one budget; over it,
// even the right password waits.
func TestLoginAttemptsAreLimited(t *testing.T) {
	p := startPage(t, Config{Password: []byte("correct horse")})
	p.server.logins.SetLimit(rate.Every(time.Hour)) // the burst only, for the length of the test
	attempt := func(password string) (*http.Response, string) {
		b := p.browser() // a new browser each time, as a guesser may be
		form := url.Values{"csrf": {b.CSRF()}, "password": {password}}
		resp, err := b.Client.Post(p.url+"/login", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		doc := pagetest.Parse(t, resp)
		return resp, pagetest.TextOf(doc, "login-error")
	}
	for i := range loginBurst {
		if resp, _ := attempt("guess"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("guess %d: %s, want 401", i+1, resp.Status)
		}
	}
	resp, message := attempt("correct horse")
	if resp.StatusCode != http.StatusTooManyRequests || message != wordsIn["ja"].TooManyLogins {
		t.Errorf("an attempt over the limit: %s, #login-error %q, want 429 and %q", resp.Status, message, wordsIn["ja"].TooManyLogins)
	}
}
