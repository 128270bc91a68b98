package browser

import (
	"bytes"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestTemplatesDownloadAsTheCommandLineWritesThem(t *testing.T) {
	t.Parallel()
	pageURL, tab := serve(t), japanese(t)
	for _, c := range []struct {
		lang, encoding, format string
		example                bool
	}{{"ja", "utf8", "csv", true}, {"en", "sjis", "csv", false}, {"ja", "", "xlsx", true}} {
		tab.Navigate(pageURL)
		tab.Do(
			chromedp.SetValue(chromedp.CSS("#template-lang"), c.lang),
			chromedp.SetValue(chromedp.CSS("#template-format"), c.format),
		)
		args := []string{"template", "--lang", c.lang, "--format", c.format}
		// A workbook has no encoding: the command line refuses one, and the page's choice is moot.
		if c.encoding != "" {
			tab.Do(chromedp.SetValue(chromedp.CSS("#template-encoding"), c.encoding))
			args = append(args, "--encoding", c.encoding)
		}
		if tab.Checked("#template-example") != c.example {
			tab.Do(chromedp.Click(chromedp.CSS("#template-example")))
		}
		got := tab.Download(chromedp.Click(chromedp.CSS("#template-download")))

		if c.example {
			args = append(args, "--example")
		}
		want, stderr, code := cli(t, args...)
		if code != 0 || len(want) == 0 {
			t.Fatalf("storeimport %q: exit %d: %s", args, code, stderr)
		}
		if !bytes.Equal(got.Bytes, want) {
			t.Errorf("the page's %s %s %s template (example %v), saved as %q, differs from `storeimport %q`:\npage %q\ncli  %q",
				c.lang, c.encoding, c.format, c.example, got.Name, args, got.Bytes, want)
		}
	}
	tab.CheckBehaved()
}
