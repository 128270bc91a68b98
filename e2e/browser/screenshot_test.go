package browser

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// EnvScreenshot names where TestScreenshotOfAReport saves its PNG: make screenshot saves the
// README's with STOREIMPORT_SCREENSHOT=$PWD/docs/images/support-page.png (on a machine with a
// Japanese font, apt-get install -y fonts-ipafont-gothic, or Chromium draws boxes). Unset, the
// PNG goes to a temporary directory and is only checked.
const EnvScreenshot = "STOREIMPORT_SCREENSHOT"

func TestScreenshotOfAReport(t *testing.T) {
	t.Parallel()
	path := os.Getenv(EnvScreenshot)
	if path == "" {
		path = filepath.Join(t.TempDir(), "support-page.png")
	}
	pageURL, tab := serve(t, "--org", org), japanese(t)
	tab.Do(chromedp.EmulateViewport(1280, 900))
	file := merchant + "mistakes.csv"
	check(t, tab, pageURL, file, http.StatusOK)
	size := tab.Screenshot(path)
	if size.Width < 1200 || size.Height < 900 {
		t.Errorf("the screenshot is %dx%d, want the report's whole page, about 1280 wide (less a scroll bar) and at least 900 high", size.Width, size.Height)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Size() < 20_000 {
		t.Errorf("the screenshot is %d bytes: too few for a page of rows", info.Size())
	}
}
