package browser

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"html"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// fileBytes are a download's bytes that a browser must not touch: a BOM, Shift_JIS and CRLF.
var fileBytes = []byte("\xef\xbb\xbfa,b\r\n\x93\x8c\x8b\x9e,\"x\"\r\n")

// site is a tiny page of each kind the helpers must handle. Its own pages keep to a strict
// Content-Security-Policy; /unsafe does not, and /inline breaks its own.
func site(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	strict := func(w http.ResponseWriter, body string) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'")
		fmt.Fprint(w, `<!doctype html><html><head><title>site</title><link rel="stylesheet" href="/style.css"></head><body>`+body+"</body></html>")
	}
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		strict(w, `<a id="file" href="/file">file</a> <a id="plain" href="/plain">plain</a>
			<form id="up" method="post" action="/upload" enctype="multipart/form-data">
			<input id="pick" type="file" name="file"><button id="send">send</button></form>
			<div id="drop">drop here</div><script src="/drop.js"></script>
			<p id="tall">tall</p>`)
	})
	mux.HandleFunc("GET /drop.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `const drop = document.getElementById("drop");
			drop.addEventListener("dragover", e => e.preventDefault());
			drop.addEventListener("drop", e => { e.preventDefault(); document.getElementById("pick").files = e.dataTransfer.files; });`)
	})
	mux.HandleFunc("GET /style.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		fmt.Fprint(w, "#tall { height: 2000px }")
	})
	mux.HandleFunc("GET /file", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		w.Header().Set("Content-Disposition", `attachment; filename="template.csv"`)
		w.Write(fileBytes)
	})
	mux.HandleFunc("GET /language", func(w http.ResponseWriter, r *http.Request) {
		strict(w, fmt.Sprintf(`<p id="lang">%s</p>`, html.EscapeString(r.Header.Get("Accept-Language"))))
	})
	mux.HandleFunc("GET /plain", func(w http.ResponseWriter, r *http.Request) { strict(w, `<p id="p">no file</p>`) })
	mux.HandleFunc("POST /upload", func(w http.ResponseWriter, r *http.Request) {
		f, h, err := r.FormFile("file")
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		defer f.Close()
		sum := sha256.New()
		io.Copy(sum, f)
		w.WriteHeader(http.StatusUnprocessableEntity)
		strict(w, fmt.Sprintf(`<p id="got">%s %x</p>`, h.Filename, sum.Sum(nil)))
	})
	mux.HandleFunc("GET /unsafe", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><p>x</p><img src=x onerror="alert('ran')"><script>console.error('boom')</script>`)
	})
	mux.HandleFunc("GET /remote", func(w http.ResponseWriter, r *http.Request) {
		// Not loopback to a test, and yet never leaving this machine: Linux takes 0.0.0.0 as itself.
		fmt.Fprint(w, `<!doctype html><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><link rel="stylesheet" href="http://0.0.0.0:9/font.css">`)
	})
	mux.HandleFunc("GET /inline", func(w http.ResponseWriter, r *http.Request) {
		strict(w, `<script>alert('inline')</script>`)
	})
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func TestStartFailsNamingTheInstallCommandWhereChromiumIsMissing(t *testing.T) {
	t.Parallel()
	_, err := start(t, filepath.Join(t.TempDir(), "chromium"))
	if err == nil || !strings.Contains(err.Error(), "`apt-get install -y chromium`") {
		t.Fatalf("start without Chromium: %v, want an error naming apt-get install -y chromium", err)
	}
}

func TestChromiumRunsWithTheGivenFlagsAndItsOwnProfile(t *testing.T) {
	t.Parallel()
	tab := Start(t)
	pid := chromedp.FromContext(tab.ctx).Browser.Process().Pid
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		t.Fatal(err)
	}
	args := strings.Split(strings.TrimRight(string(raw), "\x00"), "\x00")
	for _, f := range flags {
		if !slices.Contains(args, "--"+f) {
			t.Errorf("Chromium runs without --%s: %q", f, args)
		}
	}
	i := slices.IndexFunc(args, func(a string) bool { return strings.HasPrefix(a, "--user-data-dir=") })
	if i < 0 || !strings.HasPrefix(strings.TrimPrefix(args[i], "--user-data-dir="), os.TempDir()) {
		t.Errorf("Chromium's profile is not in a temporary directory: %q", args)
	}
}

func TestDownloadGivesTheServersNameAndBytes(t *testing.T) {
	t.Parallel()
	s, tab := site(t), Start(t)
	tab.Navigate(s.URL)
	d := tab.Download(chromedp.Click(chromedp.CSS("#file")))
	if d.Name != "template.csv" || !bytes.Equal(d.Bytes, fileBytes) {
		t.Errorf("downloaded %q %q, want template.csv %q", d.Name, d.Bytes, fileBytes)
	}
}

func TestDownloadFailsWhenNoFileComes(t *testing.T) {
	t.Parallel()
	s, tab := site(t), Start(t)
	tab.Navigate(s.URL)
	_, err := tab.download(t.TempDir(), time.Second, chromedp.Click(chromedp.CSS("#plain")))
	// Its bound ended the wait, not the end of anything else.
	if err == nil || !strings.Contains(err.Error(), "no download began") || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a link to a page as a download: %v, want no download began within its bound", err)
	}
}

func TestUploadSendsTheFileAndLoadGivesTheStatus(t *testing.T) {
	t.Parallel()
	s, tab := site(t), Start(t)
	path := filepath.Join(t.TempDir(), "stores.csv")
	if err := os.WriteFile(path, fileBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	tab.Navigate(s.URL)
	tab.Upload("#pick", path)
	resp := tab.Load(chromedp.Click(chromedp.CSS("#send")))
	if resp.Status != http.StatusUnprocessableEntity {
		t.Errorf("status %d, want 422", resp.Status)
	}
	if got, want := tab.Text("#got"), fmt.Sprintf("stores.csv %x", sha256.Sum256(fileBytes)); got != want {
		t.Errorf("the server got %q, want %q", got, want)
	}
}

func TestAcceptLanguageIsSent(t *testing.T) {
	t.Parallel()
	s, tab := site(t), Start(t)
	tab.Navigate(s.URL + "/language")
	if got := tab.Text("#lang"); strings.HasPrefix(got, "ja") {
		t.Fatalf("Accept-Language %q before it was set", got)
	}
	tab.AcceptLanguage("ja")
	tab.Navigate(s.URL + "/language")
	if got := tab.Text("#lang"); got != "ja" {
		t.Errorf("Accept-Language %q, want ja", got)
	}
}

func TestDropFileGivesTheFileToThePagesDropZone(t *testing.T) {
	t.Parallel()
	s, tab := site(t), Start(t)
	path := filepath.Join(t.TempDir(), "dropped.csv")
	if err := os.WriteFile(path, fileBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	tab.Navigate(s.URL)
	tab.DropFile("#drop", path)
	tab.Load(chromedp.Click(chromedp.CSS("#send")))
	if got, want := tab.Text("#got"), fmt.Sprintf("dropped.csv %x", sha256.Sum256(fileBytes)); got != want {
		t.Errorf("the server got %q, want %q", got, want)
	}
	if p := tab.Problems(); len(p) != 0 {
		t.Errorf("the drop zone's page: problems %q", p)
	}
}

func TestClipboardHoldsWhatWasCopied(t *testing.T) {
	t.Parallel()
	s, tab := site(t), Start(t)
	tab.Navigate(s.URL)
	for _, text := range []string{"一行目\n二行目", "other"} {
		tab.SetClipboard(text)
		if got := tab.Clipboard(); got != text {
			t.Errorf("clipboard %q, want %q", got, text)
		}
	}
}

func TestDialogsAndProblemsAreRecorded(t *testing.T) {
	t.Parallel()
	s, tab := site(t), Start(t)
	tab.Navigate(s.URL)
	if d, p := tab.Dialogs(), tab.Problems(); len(d) != 0 || len(p) != 0 {
		t.Fatalf("a clean page: dialogs %q, problems %q", d, p)
	}

	tab.Navigate(s.URL + "/unsafe")
	if d := tab.Dialogs(); !slices.Equal(d, []string{"alert: ran"}) {
		t.Errorf("dialogs %q, want the alert of the img's onerror", d)
	}
	if p := tab.Problems(); !slices.ContainsFunc(p, func(s string) bool { return strings.Contains(s, "console.error: boom") }) {
		t.Errorf("problems %q, want console.error: boom", p)
	}
	if got := tab.Count("img"); got != 1 {
		t.Errorf("%d img elements, want 1", got)
	}

	tab.Navigate(s.URL + "/inline")
	if d := tab.Dialogs(); len(d) != 1 {
		t.Errorf("the policy let an inline script run: dialogs %q", d)
	}
	if p := tab.Problems(); !slices.ContainsFunc(p, func(s string) bool { return strings.Contains(s, "Content Security Policy") }) {
		t.Errorf("problems %q, want the policy's violation", p)
	}
}

func TestRequestsBeyondLoopbackAreRecorded(t *testing.T) {
	t.Parallel()
	s, tab := site(t), Start(t)
	tab.Navigate(s.URL)
	if e := tab.Elsewhere(); len(e) != 0 {
		t.Errorf("a page of loopback and nothing else: requests elsewhere %q", e)
	}
	tab.Navigate(s.URL + "/remote")
	if e := tab.Elsewhere(); !slices.Equal(e, []string{"http://0.0.0.0:9/font.css"}) {
		t.Errorf("requests elsewhere %q, want the style from 0.0.0.0 alone", e)
	}
}

func TestScreenshotIsAPNGOfTheWholePage(t *testing.T) {
	t.Parallel()
	s, tab := site(t), Start(t)
	tab.Navigate(s.URL)
	path := filepath.Join(t.TempDir(), "page.png")
	size := tab.Screenshot(path)
	if size.Width < 300 || size.Height < 2000 {
		t.Errorf("screenshot %dx%d, want the whole 2000 px tall page", size.Width, size.Height)
	}
	saved, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(saved)); err != nil {
		t.Errorf("%s is not the PNG: %v", path, err)
	}
}

func TestOnlyLoopbackURLs(t *testing.T) {
	t.Parallel()
	for address, ok := range map[string]bool{
		"http://127.0.0.1:8080/": true, "http://[::1]:1/x": true, "http://localhost:9/": true,
		"https://example.com/": false, "http://10.0.0.1/": false, "file:///etc/passwd": false, "http://127.0.0.1.nip.io/": false,
	} {
		if err := loopbackOnly(address); (err == nil) != ok {
			t.Errorf("loopbackOnly(%q) = %v, want allowed %v", address, err, ok)
		}
	}
}
