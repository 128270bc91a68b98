package browser

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// Upload puts the file into the file input that the CSS selector names, as a person's pick would.
func (tab *Tab) Upload(selector, path string) {
	tab.t.Helper()
	tab.Do(chromedp.SetUploadFiles(chromedp.CSS(selector), []string{tab.absolute(path)}))
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
