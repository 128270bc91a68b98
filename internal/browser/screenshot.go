package browser

import (
	"bytes"
	"image"
	"image/png"
	"os"

	"github.com/chromedp/chromedp"
)

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
