package supportpage

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/acme/storeimport/internal/pagetest"
)

// TestABodyFarOverTheCapIsRefused sends more than the cap and the form's allowance together, which
// http.MaxBytesReader cuts off before the file's own limit is reached.
func TestABodyFarOverTheCapIsRefused(t *testing.T) {
	p := startPage(t, Config{MaxUpload: 1024})
	resp, doc := p.client.Upload(p.client.CSRF(), "org_1", "big.csv", bytes.Repeat([]byte("a,b,c,d,e\n"), (1024+formOverhead)/10+1000))
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(pagetest.TextOf(doc, "too-large"), "1.0 KiB") {
		t.Errorf("far over the cap: %s, #too-large %q, want 413 naming 1.0 KiB", resp.Status, pagetest.TextOf(doc, "too-large"))
	}
	if left, _ := filepath.Glob(filepath.Join(p.temp, "*", "*")); len(left) != 0 {
		t.Errorf("a refused upload left %v", left)
	}
}

// severalFiles is the check form with a file part for each file, in order.
func severalFiles(t *testing.T, csrf string, files map[string][]byte, order ...string) (string, *bytes.Buffer) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("csrf", csrf)
	w.WriteField("org", "org_1")
	for _, name := range order {
		part, err := w.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		part.Write(files[name])
	}
	w.Close()
	return w.FormDataContentType(), &body
}

// TestOnlyTheFirstFileIsChecked: the page's form sends one file; a request with more has its
// first checked and the others neither saved nor checked, so that the upload on disk stays
// within the cap.
func TestOnlyTheFirstFileIsChecked(t *testing.T) {
	files := map[string][]byte{"utf8.csv": merchantFile(t, "utf8.csv"), "mistakes.csv": merchantFile(t, "mistakes.csv")}
	p := startPage(t, Config{MaxUpload: int64(len(files["mistakes.csv"]))})
	contentType, body := severalFiles(t, p.client.CSRF(), files, "utf8.csv", "mistakes.csv", "mistakes.csv")
	if body.Len() <= int(p.server.cfg.MaxUpload) {
		t.Fatalf("the form (%d bytes) is not over the cap: the test proves nothing", body.Len())
	}
	resp, err := p.client.Client.Post(p.url+"/check", contentType, body)
	if err != nil {
		t.Fatal(err)
	}
	doc := pagetest.Parse(t, resp)
	if resp.StatusCode != http.StatusOK || pagetest.TextOf(doc, "count-would_create") != "3" || pagetest.TextOf(doc, "count-invalid") != "0" {
		t.Errorf("three files: %s, would_create %q, invalid %q, want utf8.csv's 3 and 0", resp.Status,
			pagetest.TextOf(doc, "count-would_create"), pagetest.TextOf(doc, "count-invalid"))
	}
}
