package browser

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	chromium "github.com/acme/storeimport/internal/browser"
	"github.com/acme/storeimport/internal/pagetest"
)

// platform is the simulator behind a gate (pagetest.GatedPlatform: org_1 and its token), with the
// flags that give it to serve and validate.
func platform(t *testing.T) (flags []string, arrived <-chan struct{}, release func()) {
	t.Helper()
	endpoint, arrived, release := pagetest.GatedPlatform(t)
	token := tempFile(t, "token", pagetest.PlatformToken)
	return []string{"--endpoint", endpoint, "--token-file", token}, arrived, release
}

func TestASecondCheckWhileOneRunsIsToldToWait(t *testing.T) {
	t.Parallel()
	flags, arrived, release := platform(t)
	pageURL := serve(t, append(flags, "--org", "org_1", "--checks", "1")...)
	first, second := japanese(t), japanese(t)
	file := merchant + "utf8.csv"

	openCheck(t, first, pageURL)
	first.Upload("#file", file)
	// Sent, and not waited for: its answer waits on the platform.
	first.Do(chromedp.Click(chromedp.CSS("#check-submit")))
	select {
	case <-arrived:
	case <-time.After(chromium.Timeout):
		t.Fatalf("the first check did not reach the platform within %v", chromium.Timeout)
	}
	check(t, second, pageURL, file, http.StatusServiceUnavailable)
	if second.Count("#busy") != 1 {
		t.Error("the second check's answer has no #busy")
	}

	release()
	first.Do(chromedp.WaitVisible(chromedp.CSS("#summary")))
	want := validate(t, "ja", file, append(flags, "--org", "org_1")...)
	sameVerdicts(t, first, want)
	sameCounts(t, first, want)
	// Its place is free again.
	check(t, second, pageURL, file, http.StatusOK)

	// The token stays on the server: in no page, and in no cookie.
	for _, tab := range []*chromium.Tab{first, second} {
		if html := chromium.Run(tab, chromedp.Evaluate[string](`document.documentElement.outerHTML + document.cookie`)); strings.Contains(html, pagetest.PlatformToken) {
			t.Error("the platform's token reached the browser")
		}
		tab.CheckBehaved()
	}
}

func TestAnOrganizationThePlatformDoesNotKnowIsACheckError(t *testing.T) {
	t.Parallel()
	flags, _, release := platform(t)
	release()
	pageURL, tab := serve(t, flags...), japanese(t)
	file := merchant + "utf8.csv"
	tab.Navigate(pageURL)
	tab.Do(chromedp.SetValue(chromedp.CSS("#org"), "org_unknown"))
	tab.Upload("#file", file)
	answered(t, tab, file, http.StatusUnprocessableEntity)

	// The command line's message, maybe under a heading of the page's own.
	want := refusal(t, "ja", file, append(flags, "--org", "org_unknown")...)
	if shown := texts(tab, "#check-error"); !slices.Contains(shown, want) {
		t.Errorf("#check-error says\n%q, validate says\n%q", shown, want)
	}
	tab.CheckBehaved()
}
