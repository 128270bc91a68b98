package supportpage

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/acme/storeimport/importer"
	"github.com/acme/storeimport/internal/pagetest"
)

func TestCheckShowsTheRowsOfValidate(t *testing.T) {
	p := startPage(t, Config{})
	resp, doc := p.client.Upload(p.client.CSRF(), "org_1", "mistakes.csv", merchantFile(t, "mistakes.csv"))
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Request.URL.Path, "/results/") {
		t.Fatalf("check: %s at %s, want the result page", resp.Status, resp.Request.URL)
	}
	for id, want := range map[string]string{"count-would_create": "5", "count-would_skip": "0", "count-invalid": "10"} {
		if got := pagetest.TextOf(doc, id); got != want {
			t.Errorf("#%s: got %q, want %q", id, got, want)
		}
	}
	rows := pagetest.TableRows(doc)
	if len(rows) != 15 {
		t.Fatalf("table#rows has %d lines, want 15", len(rows))
	}
	want := map[string]string{"data-line": "14", "data-status": "invalid", "line": "14", "public-id": "nagoya-01", "column": "電話番号",
		"message": `"03-12" は電話番号ではありません（0で始まる10桁または11桁の数字、ハイフン可）`}
	for key, value := range want {
		if got := rows[12][key]; got != value {
			t.Errorf("line 14's %s: got %q, want %q", key, got, value)
		}
	}
	if got := rows[1]; got["data-status"] != "would_create" || got["column"] != "" || got["message"] != "" {
		t.Errorf("a valid row: got %v, want would_create with no column or message", got)
	}
	if reply := pagetest.TextOf(doc, "reply"); !strings.Contains(reply, "全15行のうち10行") || !strings.Contains(reply, "mistakes_errors.csv") {
		t.Errorf("reply:\n%s", reply)
	}
	// The upload itself is gone once the answer is sent.
	uploads, _ := filepath.Glob(filepath.Join(p.temp, "*", "*", "upload"))
	if len(uploads) != 0 {
		t.Errorf("the uploads were kept: %v", uploads)
	}
}

func TestFilterAndPaging(t *testing.T) {
	p := startPage(t, Config{})
	var file bytes.Buffer
	file.WriteString("public_id,name,location,industry,phone\n")
	for i := range 250 {
		industry := "restaurant"
		if i%10 == 0 {
			industry = "cafe" // lines 2, 12, ...: 25 invalid rows
		}
		fmt.Fprintf(&file, "shop-%03d,Shop %d,Tokyo,%s,03-1234-5678\n", i, i, industry)
	}
	resp, doc := p.client.Upload(p.client.CSRF(), "org_1", "big.csv", file.Bytes())
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("check: %s", resp.Status)
	}
	result := resp.Request.URL.Path
	if got := pagetest.TextOf(doc, "page-info"); got != "1 / 3" {
		t.Errorf("#page-info: got %q, want 1 / 3", got)
	}
	if len(pagetest.TableRows(doc)) != 100 || pagetest.ByID(doc, "prev-page") != nil || pagetest.ByID(doc, "next-page") == nil {
		t.Errorf("page 1: %d lines, prev %v, next %v", len(pagetest.TableRows(doc)), pagetest.ByID(doc, "prev-page") != nil, pagetest.ByID(doc, "next-page") != nil)
	}
	_, doc = p.client.Get(pagetest.Attr(pagetest.ByID(doc, "next-page"), "href"))
	_, doc = p.client.Get(pagetest.Attr(pagetest.ByID(doc, "next-page"), "href"))
	rows := pagetest.TableRows(doc)
	if pagetest.TextOf(doc, "page-info") != "3 / 3" || len(rows) != 50 || rows[0]["line"] != "202" || pagetest.ByID(doc, "next-page") != nil {
		t.Errorf("page 3: %q, %d lines from line %v", pagetest.TextOf(doc, "page-info"), len(rows), rows[0]["line"])
	}
	_, doc = p.client.Get(result)
	_, doc = p.client.Get(pagetest.Attr(pagetest.ByID(doc, "filter-invalid"), "href"))
	rows = pagetest.TableRows(doc)
	if len(rows) != 25 || pagetest.TextOf(doc, "page-info") != "1 / 1" || pagetest.ByID(doc, "filter-all") == nil {
		t.Fatalf("invalid only: %d lines, %q", len(rows), pagetest.TextOf(doc, "page-info"))
	}
	for _, row := range rows {
		if row["data-status"] != "invalid" || row["column"] != "industry" {
			t.Errorf("invalid only shows %v", row)
		}
	}
}

func TestAPOSTWithoutTheSessionsTokenIsRefused(t *testing.T) {
	p := startPage(t, Config{})
	other := p.browser()
	for name, csrf := range map[string]string{"none": "", "wrong": "x", "another session's": other.CSRF()} {
		p.client.CSRF() // the browser has a session
		resp, doc := p.client.Upload(csrf, "org_1", "utf8.csv", merchantFile(t, "utf8.csv"))
		if resp.StatusCode != http.StatusForbidden || pagetest.ByID(doc, "forbidden") == nil {
			t.Errorf("%s token: %s, want 403 and #forbidden", name, resp.Status)
		}
	}
	dirs, _ := filepath.Glob(filepath.Join(p.temp, "*", "check-*"))
	if len(dirs) != 0 {
		t.Errorf("a refused check left %v", dirs)
	}
}

func TestSessionCookieAndHeaders(t *testing.T) {
	p := startPage(t, Config{})
	for _, path := range []string{"/", "/assets/page.js", "/assets/page.css"} {
		resp, err := http.Get(p.url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: headers %v", path, h)
		}
		if path != "/" {
			continue
		}
		cookies := resp.Cookies()
		if len(cookies) != 1 || cookies[0].Name != sessionCookie || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode {
			t.Errorf("session cookie: %v", resp.Header["Set-Cookie"])
		}
	}
	_, body := p.client.Download("/")
	if bytes.Contains(body, []byte("<script>")) || bytes.Contains(body, []byte("style=")) || bytes.Contains(body, []byte("<style")) {
		t.Errorf("the page has inline script or style")
	}
}

func TestLogin(t *testing.T) {
	p := startPage(t, Config{Password: "correct horse"})
	resp, doc := p.client.Get("/")
	if pagetest.ByID(doc, "login") == nil || pagetest.ByID(doc, "check-form") != nil {
		t.Fatalf("before login: %s, want the login form only", resp.Status)
	}
	if resp, doc := p.client.Upload(p.client.CSRF(), "org_1", "utf8.csv", merchantFile(t, "utf8.csv")); resp.StatusCode != http.StatusUnauthorized || pagetest.ByID(doc, "login") == nil {
		t.Errorf("a check before login: %s, want 401 and the login form", resp.Status)
	}
	login := func(password string) (*http.Response, []*http.Cookie) {
		form := strings.NewReader("csrf=" + p.client.CSRF() + "&password=" + password)
		req, _ := http.NewRequest(http.MethodPost, p.url+"/login", form)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		// Sent by hand, not followed, to see the cookie it sets.
		for _, c := range p.client.Client.Jar.Cookies(req.URL) {
			req.AddCookie(c)
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		p.client.Client.Jar.SetCookies(req.URL, resp.Cookies())
		return resp, resp.Cookies()
	}
	resp, _ = login("wrong")
	if doc := pagetest.Parse(t, resp); resp.StatusCode != http.StatusUnauthorized || pagetest.ByID(doc, "login-error") == nil {
		t.Errorf("wrong password: %s, want 401 and #login-error", resp.Status)
	}
	before := p.client.Client.Jar.Cookies(resp.Request.URL)
	resp, cookies := login("correct+horse")
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || len(cookies) != 1 || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("right password: %s, cookies %v", resp.Status, resp.Header["Set-Cookie"])
	}
	if fmt.Sprint(before) == fmt.Sprint(p.client.Client.Jar.Cookies(resp.Request.URL)) {
		t.Errorf("the session id did not change at login")
	}
	if _, doc := p.client.Get("/"); pagetest.ByID(doc, "check-form") == nil {
		t.Errorf("after login: no check form")
	}
	if _, doc := p.browser().Get("/"); pagetest.ByID(doc, "login") == nil {
		t.Errorf("another browser is not asked for the password")
	}
}

func TestUploadOverTheCap(t *testing.T) {
	p := startPage(t, Config{MaxUpload: 1024})
	resp, doc := p.client.Upload(p.client.CSRF(), "org_1", "big.csv", bytes.Repeat([]byte("a,b,c,d,e\n"), 300))
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(pagetest.TextOf(doc, "too-large"), "1.0 KiB") {
		t.Errorf("over the cap: %s, #too-large %q, want 413 naming 1.0 KiB", resp.Status, pagetest.TextOf(doc, "too-large"))
	}
	resp, _ = p.client.Upload(p.client.CSRF(), "org_1", "utf8.csv", merchantFile(t, "utf8.csv"))
	if resp.StatusCode != http.StatusOK {
		t.Errorf("under the cap: %s", resp.Status)
	}
	files, _ := filepath.Glob(filepath.Join(p.temp, "*", "*", "*"))
	for _, f := range files {
		if filepath.Base(f) == "upload" {
			t.Errorf("an upload was kept: %s", f)
		}
	}
}

func TestFileErrorHasTheCommandLinesMessage(t *testing.T) {
	p := startPage(t, Config{})
	for _, file := range []string{"utf16le.csv", "unbalanced_quote.csv", "renamed_column.csv", "binary.xlsx"} {
		_, scanErr := importer.Scan(filepath.Join("..", "testdata", "merchant", file), importer.ReadOptions{Encoding: importer.EncodingAuto})
		var fileErr *importer.FileError
		if !errors.As(scanErr, &fileErr) {
			t.Fatalf("%s: the reader finds no file error: %v", file, scanErr)
		}
		resp, doc := p.client.Upload(p.client.CSRF(), "org_1", file, merchantFile(t, file))
		got := pagetest.ByID(doc, "file-error")
		if resp.StatusCode != http.StatusUnprocessableEntity || got == nil || !strings.HasSuffix(pagetest.Text(got), fileErr.Render(importer.LangJA)) {
			t.Errorf("%s: %s, #file-error %q, want 422 and %q", file, resp.Status, pagetest.TextOf(doc, "file-error"), fileErr.Render(importer.LangJA))
		}
	}
}

func TestEveryValueIsEscaped(t *testing.T) {
	p := startPage(t, Config{})
	const attack = `<img src=x onerror=alert(1)>`
	file := "public_id,name,location,industry,phone\n\"" + attack + "\",\"" + attack + "\",Tokyo,restaurant,\n" +
		"ok-01,\"" + attack + "\",Tokyo,restaurant,\n"
	contentType, form := pagetest.Form(t, p.client.CSRF(), "org_1", attack+".csv", []byte(file))
	resp, err := p.client.Client.Post(p.url+"/check", contentType, form)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || bytes.Contains(body, []byte("<img")) || !bytes.Contains(body, []byte("&lt;img src=x onerror=alert(1)&gt;")) {
		t.Errorf("%s: the page has the value unescaped, or not at all:\n%s", resp.Status, body)
	}
}

func TestAnotherSessionsResultIsNotShown(t *testing.T) {
	p := startPage(t, Config{})
	resp, _ := p.client.Upload(p.client.CSRF(), "org_1", "utf8.csv", merchantFile(t, "utf8.csv"))
	result := resp.Request.URL.Path
	for _, path := range []string{result, result + "/report.csv"} {
		if resp, doc := p.browser().Get(path); resp.StatusCode != http.StatusNotFound || pagetest.ByID(doc, "not-found") == nil && path == result {
			t.Errorf("%s from another browser: %s, want 404", path, resp.Status)
		}
	}
}

func TestLanguage(t *testing.T) {
	p := startPage(t, Config{})
	req, _ := http.NewRequest(http.MethodGet, p.url+"/", nil)
	req.Header.Set("Accept-Language", "en-US,en;q=0.9,ja;q=0.8")
	resp, err := p.client.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if doc := pagetest.Parse(t, resp); pagetest.Lang(doc) != "en" {
		t.Errorf("Accept-Language en first: not English")
	}
	_, doc := p.client.Get("/")
	if lang := pagetest.Lang(doc); lang != "ja" {
		t.Errorf("by default: lang %q, want ja", lang)
	}
	_, doc = p.client.Get(pagetest.Attr(pagetest.ByID(doc, "lang-en"), "href"))
	if lang := pagetest.Lang(doc); lang != "en" {
		t.Errorf("after a#lang-en: lang %q, want en", lang)
	}
	_, doc = p.client.Get("/")
	if lang := pagetest.Lang(doc); lang != "en" {
		t.Errorf("the switch is not remembered: lang %q", lang)
	}
}

func TestCloseRemovesTheResults(t *testing.T) {
	p := startPage(t, Config{})
	p.client.Upload(p.client.CSRF(), "org_1", "mistakes.csv", merchantFile(t, "mistakes.csv"))
	if err := p.server.Close(); err != nil {
		t.Fatal(err)
	}
	left, err := os.ReadDir(p.temp)
	if err != nil || len(left) != 0 {
		t.Errorf("left after Close: %v %v", left, err)
	}
}
