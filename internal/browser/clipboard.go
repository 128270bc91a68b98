package browser

import (
	"context"
	"fmt"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Clipboard is the text on the browser's clipboard (headless Chromium's own, not the machine's),
// where a page's copy button puts it.
func (tab *Tab) Clipboard() string {
	tab.t.Helper()
	tab.allowClipboard()
	return Run(tab, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
}

// SetClipboard puts the text on the browser's clipboard, as a person's earlier copy would have.
func (tab *Tab) SetClipboard(text string) {
	tab.t.Helper()
	tab.allowClipboard()
	tab.Do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`navigator.clipboard.writeText(%q)`, text), chromedp.EvalAwaitPromise))
}

// allowClipboard lets the page use the clipboard without asking, as a person would allow it when
// the browser asks, and as if its window had the focus, which the clipboard wants and a headless
// window has not until a click.
func (tab *Tab) allowClipboard() {
	tab.t.Helper()
	tab.Do(chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		if _, err := cdp.Call(ctx, target, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
			return fmt.Errorf("giving the page the focus: %w", err)
		}
		for _, name := range []string{"clipboard-read", "clipboard-write"} {
			if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
				Permission: &cdpbrowser.PermissionDescriptor{Name: name}, Setting: cdpbrowser.PermissionSettingGranted,
			}); err != nil {
				return fmt.Errorf("allowing %s: %w", name, err)
			}
		}
		return nil
	}))
}
