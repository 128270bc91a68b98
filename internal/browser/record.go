package browser

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Dialogs are the JavaScript dialogs (alert, confirm, prompt) that the tab's pages opened so far,
// each as "type: message". A page that shows a merchant's file opens none: a dialog means that a
// value from the file ran as a script.
func (tab *Tab) Dialogs() []string {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	return slices.Clone(tab.dialogs)
}

// Problems are what the tab's pages wrote to the console as errors so far: uncaught exceptions,
// console.error, and the browser's own errors but for failed loads, among them each violation
// of the Content-Security-Policy.
func (tab *Tab) Problems() []string {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	return slices.Clone(tab.problems)
}

// Elsewhere are the URLs that the tab's pages asked for beyond loopback so far (a font, a script
// or a style from another host, which a page with no internet would lack), or at all where the
// scheme is neither http(s) nor one a page makes itself (data:, blob:, about:).
func (tab *Tab) Elsewhere() []string {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	return slices.Clone(tab.elsewhere)
}

// CheckBehaved fails the test, going on, when the tab's pages opened a dialog, wrote an error to
// the console (a violation of the Content-Security-Policy among them), or asked for anything
// beyond loopback: the support page must run no script from a merchant's file and work with no
// internet.
func (tab *Tab) CheckBehaved() {
	tab.t.Helper()
	if d := tab.Dialogs(); len(d) > 0 {
		tab.t.Errorf("the page opened dialogs: %q", d)
	}
	if p := tab.Problems(); len(p) > 0 {
		tab.t.Errorf("the page wrote errors to the console: %q", p)
	}
	if e := tab.Elsewhere(); len(e) > 0 {
		tab.t.Errorf("the page asked for things beyond loopback: %q", e)
	}
}

// record sees each event of the tab before the command that follows it returns, so that a dialog
// or an error is recorded by the time the action that caused it has returned.
func (tab *Tab) record(ev any) {
	switch ev := ev.(type) {
	case *page.EventJavascriptDialogOpening:
		tab.add(&tab.dialogs, fmt.Sprintf("%s: %s", ev.Type, ev.Message))
		// A dialog blocks its page, and with it every later step, until it is closed; record
		// runs where the tab reads its messages, so the close goes from another goroutine.
		go chromedp.Call(tab.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
	case *network.EventRequestWillBeSent:
		if u := ev.Request.URL; !madeByThePage(u) && loopbackOnly(u) != nil {
			tab.add(&tab.elsewhere, u)
		}
	case *runtime.EventExceptionThrown:
		tab.add(&tab.problems, "exception: "+exceptionText(ev.ExceptionDetails))
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			tab.add(&tab.problems, fmt.Sprintf("console.%s: %s", ev.Type, argsText(ev.Args)))
		}
	case *log.EventEntryAdded:
		// The network's entries are left out: a page answered with 422 or 413 on purpose, or a
		// missing favicon, is an error to the browser and none to the test, which checks statuses.
		if ev.Entry.Level == log.EntryLevelError && ev.Entry.Source != log.EntrySourceNetwork {
			tab.add(&tab.problems, fmt.Sprintf("%s: %s", ev.Entry.Source, ev.Entry.Text))
		}
	}
}

func (tab *Tab) add(list *[]string, entry string) {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	*list = append(*list, entry)
}

// madeByThePage tells a URL whose content the page made itself, which no server serves.
func madeByThePage(u string) bool {
	for _, scheme := range []string{"data:", "blob:", "about:"} {
		if strings.HasPrefix(u, scheme) {
			return true
		}
	}
	return false
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d.Exception != nil && d.Exception.Description != "" {
		return d.Text + " " + d.Exception.Description
	}
	return d.Text
}

func argsText(args []*runtime.RemoteObject) string {
	texts := make([]string, len(args))
	for i, a := range args {
		if a.Description != "" {
			texts[i] = a.Description
		} else {
			texts[i] = strings.Trim(string(a.Value), `"`)
		}
	}
	return strings.Join(texts, " ")
}
