package supportpage

import (
	"net/http"
	"testing"
	"time"

	"github.com/acme/storeimport/internal/pagetest"
)

func TestAStalledUploadFreesItsSlot(t *testing.T) {
	p := startPage(t, Config{Checks: 1, UploadIdle: 200 * time.Millisecond})
	stalled := pagetest.StalledUpload(t, p.client)
	resp, err := pagetest.AnswerOf(stalled, 10*time.Second)
	if err != nil {
		t.Fatalf("the stalled upload was never given up: %v", err)
	}
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Errorf("the stalled upload: %s, want 408", resp.Status)
	}
	if resp, _ := p.client.Upload(p.client.CSRF(), "org_1", "utf8.csv", merchantFile(t, "utf8.csv")); resp.StatusCode != http.StatusOK {
		t.Errorf("a check after the stalled one: %s, want 200", resp.Status)
	}
}

func TestBusyAnswersWithoutReadingTheUpload(t *testing.T) {
	platform, arrived, release := gatedPlatform(t)
	defer release()
	p := startPage(t, Config{Platform: platform, Checks: 1, UploadIdle: time.Minute})
	contentType, form := pagetest.Form(t, p.client.CSRF(), "org_1", "utf8.csv", merchantFile(t, "utf8.csv"))
	go func() {
		if resp, err := p.client.Client.Post(p.url+"/check", contentType, form); err == nil {
			resp.Body.Close()
		}
	}()
	select {
	case <-arrived: // the one check's slot is taken
	case <-time.After(10 * time.Second):
		t.Fatal("the first check never asked the platform")
	}
	resp, err := pagetest.AnswerOf(pagetest.StalledUpload(t, p.browser()), 10*time.Second)
	if err != nil {
		t.Fatalf("no busy answer while the upload is still coming: %v", err)
	}
	if resp.StatusCode != http.StatusServiceUnavailable || !resp.Close {
		t.Errorf("busy: %s, closing %v, want 503 and the connection closed", resp.Status, resp.Close)
	}
}
