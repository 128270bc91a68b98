package browser

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"net"
	"net/url"
	"os"
	"path/filepath"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
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

// Text is the text of the first element that matches the CSS selector, as a person sees it.
func (tab *Tab) Text(selector string) string {
	tab.t.Helper()
	return Run(tab, chromedp.Text(chromedp.CSS(selector)))
}

// Count is how many elements match the CSS selector now, without waiting for one.
func (tab *Tab) Count(selector string) int {
	tab.t.Helper()
	return Run(tab, chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", selector)))
}

// Upload puts the file into the file input that the CSS selector names, as a person's pick would.
func (tab *Tab) Upload(selector, path string) {
	tab.t.Helper()
	tab.Do(chromedp.SetUploadFiles(chromedp.CSS(selector), []string{tab.absolute(path)}))
}

// Screenshot saves a PNG of the whole page (beyond the window's height) to path, and returns its
// size.
func (tab *Tab) Screenshot(path string) image.Config {
	tab.t.Helper()
	shot := Run(tab, chromedp.FullScreenshot(100))
	size, err := png.DecodeConfig(bytes.NewReader(shot))
	if err != nil {
		tab.t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		tab.t.Fatal(err)
	}
	return size
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

// Checked tells whether the checkbox or radio button that the CSS selector names is checked.
func (tab *Tab) Checked(selector string) bool {
	tab.t.Helper()
	return Run(tab, chromedp.Evaluate[bool](fmt.Sprintf("document.querySelector(%q).checked", selector)))
}

// DropFile drags the file from outside the browser and drops it on the middle of the element
// that the CSS selector names, as a person drops a file from their desktop.
func (tab *Tab) DropFile(selector, path string) {
	tab.t.Helper()
	tab.Do(chromedp.ScrollIntoView(chromedp.CSS(selector)))
	box := Run(tab, chromedp.Evaluate[struct{ X, Y float64 }](fmt.Sprintf(
		`(r => ({X: r.left + r.width / 2, Y: r.top + r.height / 2}))(document.querySelector(%q).getBoundingClientRect())`, selector)))
	drag := &input.DragData{Items: []*input.DragDataItem{}, Files: []string{tab.absolute(path)}, DragOperationsMask: 1}
	tab.Do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, step := range []input.DispatchDragEventType{
			input.DispatchDragEventTypeDragEnter, input.DispatchDragEventTypeDragOver, input.DispatchDragEventTypeDrop,
		} {
			if _, err := cdp.Call(ctx, t, input.DispatchDragEvent, input.DispatchDragEventParams{
				Type: step, X: box.X, Y: box.Y, Data: drag,
			}); err != nil {
				return fmt.Errorf("dropping %s on %s (%s): %w", path, selector, step, err)
			}
		}
		return nil
	}))
}

// absolute is the path as Chromium must be given it: it would read a relative one from its own
// working directory, and find nothing to send.
func (tab *Tab) absolute(path string) string {
	tab.t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		tab.t.Fatal(err)
	}
	return abs
}
