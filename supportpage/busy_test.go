package supportpage

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/acme/storeimport/internal/pagetest"
	"github.com/acme/storeimport/orgclient"
)

// gatedPlatform is a client of pagetest.GatedPlatform.
func gatedPlatform(t *testing.T) (*orgclient.Client, <-chan struct{}, func()) {
	t.Helper()
	endpoint, arrived, release := pagetest.GatedPlatform(t)
	client, err := orgclient.New(orgclient.Config{Endpoint: endpoint, Token: pagetest.PlatformToken, Rate: 100, Burst: 10})
	if err != nil {
		t.Fatal(err)
	}
	return client, arrived, release
}

func TestBusyWhenTheChecksAreRunning(t *testing.T) {
	platform, arrived, release := gatedPlatform(t)
	p := startPage(t, Config{Platform: platform, Checks: 1})
	contentType, form := pagetest.Form(t, p.client.CSRF(), "org_1", "utf8.csv", merchantFile(t, "utf8.csv"))
	first := make(chan *http.Response, 1)
	go func() {
		resp, err := p.client.Client.Post(p.url+"/check", contentType, form)
		if err != nil {
			t.Error(err)
		}
		first <- resp
	}()
	select {
	case <-arrived: // the first check waits on the platform
	case <-time.After(10 * time.Second):
		t.Fatal("the first check never asked the platform")
	}
	other := p.browser()
	resp, doc := other.Upload(other.CSRF(), "org_1", "utf8.csv", merchantFile(t, "utf8.csv"))
	if resp.StatusCode != http.StatusServiceUnavailable || pagetest.ByID(doc, "busy") == nil {
		t.Errorf("a second check: %s, want 503 and #busy", resp.Status)
	}
	release()
	resp = <-first
	if resp == nil {
		return
	}
	if doc := pagetest.Parse(t, resp); resp.StatusCode != http.StatusOK || pagetest.TextOf(doc, "count-would_create") != "3" {
		t.Errorf("the first check: %s, would_create %q, want 3", resp.Status, pagetest.TextOf(doc, "count-would_create"))
	}
	// Its slot is free again.
	if resp, _ := other.Upload(other.CSRF(), "org_1", "utf8.csv", merchantFile(t, "utf8.csv")); resp.StatusCode != http.StatusOK {
		t.Errorf("a check after: %s", resp.Status)
	}
}

func TestAnUnknownOrganizationIsACheckError(t *testing.T) {
	platform, _, release := gatedPlatform(t)
	release()
	p := startPage(t, Config{Platform: platform})
	resp, doc := p.client.Upload(p.client.CSRF(), "org_9", "utf8.csv", merchantFile(t, "utf8.csv"))
	if resp.StatusCode != http.StatusUnprocessableEntity || pagetest.ByID(doc, "check-error") == nil {
		t.Errorf("org_9: %s, #check-error %q", resp.Status, pagetest.TextOf(doc, "check-error"))
	}
	if got := pagetest.TextOf(doc, "check-error"); !strings.Contains(got, "org_9") || strings.Contains(got, pagetest.PlatformToken) {
		t.Errorf("#check-error: %q, want the organization named and no token", got)
	}
}
