package browser

import (
	"context"
	"fmt"
	"net"
	"net/url"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Navigate opens a loopback URL and waits until its page has loaded. Any other URL fails the
// test before the browser sees it.
func (tab *Tab) Navigate(address string) {
	tab.t.Helper()
	if err := loopbackOnly(address); err != nil {
		tab.t.Fatal(err)
	}
	tab.Do(chromedp.Navigate(address))
}

// Load runs the actions (a click on a link or a form's button), waits until the page they open
// has loaded, and returns the response of its document, whose status the test may check.
func (tab *Tab) Load(actions ...chromedp.Action[chromedp.Void]) *network.Response {
	tab.t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, Timeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		tab.t.Fatalf("waiting for the page that the actions open: %v", bounded(err, Timeout))
	}
	if err := loopbackOnly(resp.URL); err != nil {
		tab.t.Fatal(err)
	}
	return resp
}

// AcceptLanguage makes every later request say Accept-Language: tags, as a browser set to those
// languages does (headless Chromium says en-US whatever the machine's locale).
func (tab *Tab) AcceptLanguage(tags string) {
	tab.t.Helper()
	tab.Do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
			Headers: network.Headers{"Accept-Language": tags},
		})
		return err
	}))
}

// loopbackOnly refuses a URL whose host is not this machine's loopback: a test must never reach
// the network.
func loopbackOnly(address string) error {
	u, err := url.Parse(address)
	if err != nil {
		return fmt.Errorf("a browser test opens only loopback URLs, and %q is no URL: %w", address, err)
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); (u.Scheme == "http" || u.Scheme == "https") && (host == "localhost" || ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("a browser test opens only loopback URLs (http://127.0.0.1:PORT/...), not %q", address)
}
