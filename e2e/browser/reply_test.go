package browser

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	chromium "github.com/acme/storeimport/internal/browser"
)

func TestTheReplyIsCopiedForTheMerchant(t *testing.T) {
	t.Parallel()
	pageURL, tab := serve(t, "--org", org), japanese(t)
	file := merchant + "mistakes.csv"
	check(t, tab, pageURL, file, http.StatusOK)
	reply := chromium.Run(tab, chromedp.Evaluate[string](`document.querySelector("textarea#reply").value`))
	if !chromium.Run(tab, chromedp.Evaluate[bool](`document.querySelector("textarea#reply").readOnly`)) {
		t.Error("textarea#reply is not read-only")
	}
	// The reply says how many rows need fixing, and names the file support attaches to it.
	invalid := 0
	for _, r := range validate(t, "ja", file) {
		if r.status == "invalid" {
			invalid++
		}
	}
	errorsFile := tab.Download(chromedp.Click(chromedp.CSS("a#download-errors"))).Name
	if !strings.Contains(reply, strconv.Itoa(invalid)) || !strings.Contains(reply, errorsFile) {
		t.Errorf("the reply does not say %d rows, or name the errors file %q:\n%s", invalid, errorsFile, reply)
	}

	tab.SetClipboard("something copied before")
	tab.Do(
		chromedp.Click(chromedp.CSS("button#copy-reply")),
		// The page says so once the clipboard has it.
		chromedp.Poll[chromedp.Void](`document.querySelector("#copy-status").textContent !== ""`),
	)
	if got := tab.Clipboard(); got != reply {
		t.Errorf("button#copy-reply copied\n%q, the reply is\n%q", got, reply)
	}
	tab.CheckBehaved()
}
