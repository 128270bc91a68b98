package browser

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	chromium "github.com/acme/storeimport/internal/browser"
)

func TestWithAPasswordThePageAsksForItFirst(t *testing.T) {
	t.Parallel()
	passwordFile := tempFile(t, "password", "correct horse battery\n")
	pageURL, tab := serve(t, "--org", org, "--password-file", passwordFile), japanese(t)
	tab.Navigate(pageURL)
	if tab.Count("form#login") != 1 || tab.Count("form#template-form, form#check-form") != 0 {
		t.Fatal("the page shows more than form#login before the password")
	}

	login := func(password string) {
		tab.Do(chromedp.SendKeys(chromedp.CSS("input#password"), password))
		tab.Load(chromedp.Click(chromedp.CSS("button#login-submit")))
	}
	login("wrong horse")
	if tab.Count("#login-error") != 1 || tab.Count("form#check-form") != 0 {
		t.Fatal("a wrong password shows no #login-error, or lets the person in")
	}
	if tab.Count("form#login") != 1 {
		t.Fatal("after a wrong password, form#login is not there to try again")
	}
	login("correct horse battery")
	if tab.Count("form#template-form") != 1 || tab.Count("form#check-form") != 1 || tab.Count("form#login") != 0 {
		t.Fatal("the right password does not lead to the page")
	}

	// The session is in a cookie that no script of the page can read, sent to no other site.
	cookies := chromium.Run(tab, func(ctx context.Context, target *chromedp.Target) ([]*network.Cookie, error) {
		r, err := cdp.Call(ctx, target, network.GetCookies, network.GetCookiesParams{URLs: []string{pageURL}})
		return r.Cookies, err
	})
	session := false
	for _, c := range cookies {
		session = session || c.HTTPOnly && c.SameSite == network.CookieSameSiteStrict
	}
	if !session {
		t.Errorf("no HttpOnly, SameSite=Strict cookie after login: %+v", cookies)
	}
	tab.CheckBehaved()
}
