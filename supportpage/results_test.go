package supportpage

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/acme/storeimport/internal/pagetest"
)

// checkFile checks a merchant's file on p: its result page's path and the check's folder.
func checkFile(t *testing.T, p *page, file string) (string, string) {
	t.Helper()
	resp, _ := p.client.Upload(p.client.CSRF(), "org_1", file, merchantFile(t, file))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("checking %s: %s", file, resp.Status)
	}
	res, ok := p.server.results.get(filepath.Base(resp.Request.URL.Path), sessionOfBrowser(t, p))
	if !ok {
		t.Fatalf("checking %s: no result kept at %s", file, resp.Request.URL.Path)
	}
	return resp.Request.URL.Path, res.dir
}

// sessionOfBrowser is the session p's browser has.
func sessionOfBrowser(t *testing.T, p *page) string {
	t.Helper()
	base, _ := http.NewRequest(http.MethodGet, p.url, nil)
	for _, c := range p.client.Client.Jar.Cookies(base.URL) {
		if c.Name == sessionCookie+"_"+base.URL.Port() {
			if id, ok := p.server.secrets.sessionOf(c.Value); ok {
				return id
			}
		}
	}
	t.Fatal("the browser has no session")
	return ""
}

// gone says whether a result is deleted: its folder and its page.
func gone(t *testing.T, p *page, path, dir string) bool {
	t.Helper()
	_, err := os.Stat(dir)
	resp, doc := p.client.Get(path)
	return os.IsNotExist(err) && resp.StatusCode == http.StatusNotFound && pagetest.ByID(doc, "not-found") != nil
}

func TestResultsOverTheByteBoundAreDeleted(t *testing.T) {
	p := startPage(t, Config{KeepBytes: 1}) // any result is over it: only the newest stays
	firstPath, firstDir := checkFile(t, p, "mistakes.csv")
	secondPath, secondDir := checkFile(t, p, "utf8.csv")
	if !gone(t, p, firstPath, firstDir) {
		t.Errorf("the older result is still there: %s", firstDir)
	}
	if gone(t, p, secondPath, secondDir) {
		t.Errorf("the newest result was deleted")
	}
}

func TestExpiredResultsAreDeleted(t *testing.T) {
	p := startPage(t, Config{Keep: time.Hour})
	path, dir := checkFile(t, p, "mistakes.csv")
	p.server.results.expire(time.Now().Add(time.Minute))
	if gone(t, p, path, dir) {
		t.Fatalf("a result was deleted before its time")
	}
	p.server.results.expire(time.Now().Add(time.Hour + time.Minute))
	if !gone(t, p, path, dir) {
		t.Errorf("an expired result is still there: %s", dir)
	}
}

func TestIdleSessionsAreLoggedOut(t *testing.T) {
	p := startPage(t, Config{Password: []byte("correct horse")})
	resp, err := p.client.Client.PostForm(p.url+"/login", map[string][]string{"csrf": {p.client.CSRF()}, "password": {"correct horse"}})
	if err != nil {
		t.Fatal(err)
	}
	if doc := pagetest.Parse(t, resp); pagetest.ByID(doc, "check-form") == nil {
		t.Fatalf("login: %s, no check form", resp.Status)
	}
	p.server.secrets.expire(time.Now().Add(time.Hour))
	if _, doc := p.client.Get("/"); pagetest.ByID(doc, "check-form") == nil {
		t.Errorf("a session an hour idle was logged out, want %s", sessionIdle)
	}
	p.server.secrets.expire(time.Now().Add(sessionIdle + time.Minute))
	if _, doc := p.client.Get("/"); pagetest.ByID(doc, "login") == nil {
		t.Errorf("a session idle for longer than %s is still logged in", sessionIdle)
	}
}
