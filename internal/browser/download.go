package browser

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// A Download is a file the browser saved.
type Download struct {
	// Name is the file name the server suggested (its Content-Disposition), as a person's
	// browser would save it.
	Name string
	// Bytes are the file's bytes, as saved.
	Bytes []byte
}

// Download runs the actions (a click on a download link or a form's button) and returns the file
// that they made the browser save, into a temporary directory of the test. It fails the test when
// no download begins or completes within Timeout.
func (tab *Tab) Download(actions ...chromedp.Action[chromedp.Void]) Download {
	tab.t.Helper()
	d, err := tab.download(tab.t.TempDir(), Timeout, actions...)
	if err != nil {
		tab.t.Fatal(err)
	}
	return d
}

func (tab *Tab) download(dir string, timeout time.Duration, actions ...chromedp.Action[chromedp.Void]) (Download, error) {
	ctx, cancel := context.WithTimeout(tab.ctx, timeout)
	defer cancel()
	// Files are saved under their download's GUID, so that the one this call waits for is known
	// whatever name the server suggested.
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: new(true),
	}); err != nil {
		return Download{}, fmt.Errorf("letting the browser save downloads to %s: %w", dir, bounded(err, timeout))
	}
	// Subscribed before the actions run, so that no event is missed.
	begun := chromedp.BrowserEvents(ctx, cdpbrowser.DownloadWillBegin)
	progress := chromedp.BrowserEvents(ctx, cdpbrowser.DownloadProgress)
	if err := chromedp.Do(ctx, actions...); err != nil {
		return Download{}, bounded(err, timeout)
	}
	var d Download
	var guid string
	for ev, err := range begun {
		if err != nil {
			return Download{}, fmt.Errorf("no download began: %w", bounded(err, timeout))
		}
		d.Name, guid = ev.SuggestedFilename, ev.GUID
		break
	}
	for ev, err := range progress {
		if err != nil {
			return Download{}, fmt.Errorf("the download of %s did not complete: %w", d.Name, bounded(err, timeout))
		}
		if ev.GUID != guid {
			continue
		}
		switch ev.State {
		case cdpbrowser.DownloadProgressStateCompleted:
			bytes, err := os.ReadFile(filepath.Join(dir, guid))
			d.Bytes = bytes
			return d, err
		case cdpbrowser.DownloadProgressStateCanceled:
			return Download{}, fmt.Errorf("the browser canceled the download of %s", d.Name)
		}
	}
	return Download{}, fmt.Errorf("the browser stopped before the download of %s completed", d.Name)
}
