// Package pagetest is a browser of the support page for Go tests: it keeps its cookies, sends the
// check form as the page's form does, and finds the page's elements by the ids of the page's
// contract.
package pagetest

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// Browser is one browser of the page at URL, with its own cookies.
type Browser struct {
	t      testing.TB
	URL    string
	Client *http.Client
}

func NewBrowser(t testing.TB, url string) *Browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &Browser{t: t, URL: url, Client: &http.Client{Jar: jar}}
}

// GetAsHost fetches the page at url with the Host header host, as a browser that reached this
// address by that name sends it, and header (nil for none), as a proxy adds it; it closes the
// body.
func GetAsHost(t testing.TB, url, host string, header http.Header) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	for name, values := range header {
		req.Header[name] = values
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// Get fetches path and parses the page.
func (b *Browser) Get(path string) (*http.Response, *html.Node) {
	b.t.Helper()
	resp, err := b.Client.Get(b.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp, Parse(b.t, resp)
}

// Download fetches path and returns its bytes.
func (b *Browser) Download(path string) (*http.Response, []byte) {
	b.t.Helper()
	resp, err := b.Client.Get(b.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp, body
}

// CSRF is the token of the browser's session, read from the home page's forms.
func (b *Browser) CSRF() string {
	b.t.Helper()
	_, doc := b.Get("/")
	for _, n := range FindAll(doc, func(n *html.Node) bool { return Attr(n, "name") == "csrf" }) {
		return Attr(n, "value")
	}
	b.t.Fatal("no csrf field on the page")
	return ""
}

// Upload sends the check form: the token, the organization, more fields if any, the file.
func (b *Browser) Upload(csrf, org, name string, data []byte, more ...Field) (*http.Response, *html.Node) {
	b.t.Helper()
	contentType, body := Form(b.t, csrf, org, name, data, more...)
	resp, err := b.Client.Post(b.URL+"/check", contentType, body)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp, Parse(b.t, resp)
}

// Field is a field of a form: its name and value.
type Field struct{ Name, Value string }

// Form is the check form's body, fields in the page's order, and its content type; no csrf field
// when csrf is "".
func Form(t testing.TB, csrf, org, name string, data []byte, more ...Field) (string, io.Reader) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if csrf != "" {
		w.WriteField("csrf", csrf)
	}
	w.WriteField("org", org)
	for _, f := range more {
		w.WriteField(f.Name, f.Value)
	}
	f, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(data)
	w.Close()
	return w.FormDataContentType(), &body
}

// Parse reads an answer's page; an answer that is not HTML is an empty document.
func Parse(t testing.TB, resp *http.Response) *html.Node {
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		return &html.Node{Type: html.DocumentNode}
	}
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// FindAll are the elements under n that match.
func FindAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var found []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			found = append(found, d)
		}
	}
	return found
}

// ByID is the element with that id, or nil.
func ByID(doc *html.Node, id string) *html.Node {
	for _, n := range FindAll(doc, func(n *html.Node) bool { return Attr(n, "id") == id }) {
		return n
	}
	return nil
}

// TextOf is the text of the element with that id; "" when there is none.
func TextOf(doc *html.Node, id string) string {
	n := ByID(doc, id)
	if n == nil {
		return ""
	}
	return Text(n)
}

// Text is the text under n, trimmed.
func Text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.TrimSpace(b.String())
}

func Attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// Lang is the page's <html lang>.
func Lang(doc *html.Node) string {
	for _, n := range FindAll(doc, func(n *html.Node) bool { return n.Data == "html" }) {
		return Attr(n, "lang")
	}
	return ""
}

// TableRows are the lines of table#rows: their data-line and data-status, and their cells by class.
func TableRows(doc *html.Node) []map[string]string {
	table := ByID(doc, "rows")
	if table == nil {
		return nil
	}
	var rows []map[string]string
	for _, tr := range FindAll(table, func(n *html.Node) bool { return n.Data == "tr" && Attr(n, "data-line") != "" }) {
		row := map[string]string{"data-line": Attr(tr, "data-line"), "data-status": Attr(tr, "data-status")}
		for _, td := range FindAll(tr, func(n *html.Node) bool { return n.Data == "td" }) {
			row[Attr(td, "class")] = Text(td)
		}
		rows = append(rows, row)
	}
	return rows
}

// JobRows are the lines of the jobs section: their data-job-id and data-state, their cells by
// class, each count of their outcome as "count-STATUS", and their errors file's link as "download".
func JobRows(doc *html.Node) []map[string]string {
	var rows []map[string]string
	for _, tr := range FindAll(doc, func(n *html.Node) bool { return n.Data == "tr" && Attr(n, "data-job-id") != "" }) {
		row := map[string]string{"data-job-id": Attr(tr, "data-job-id"), "data-state": Attr(tr, "data-state")}
		for _, td := range FindAll(tr, func(n *html.Node) bool { return n.Data == "td" }) {
			row[Attr(td, "class")] = Text(td)
		}
		for _, count := range FindAll(tr, func(n *html.Node) bool { return Attr(n, "class") == "count" }) {
			for _, n := range FindAll(count, func(n *html.Node) bool { return Attr(n, "class") == "n" }) {
				row["count-"+Attr(count, "data-status")] = Text(n)
			}
		}
		for _, a := range FindAll(tr, func(n *html.Node) bool { return n.Data == "a" && Attr(n, "class") == "download-job-errors" }) {
			row["download"] = Attr(a, "href")
		}
		for _, lang := range FindAll(tr, func(n *html.Node) bool { return Attr(n, "class") == "errors-lang" }) {
			row["errors-lang"], row["errors-lang-code"] = Text(lang), Attr(lang, "data-lang")
		}
		rows = append(rows, row)
	}
	return rows
}

// Refreshes says whether the page reloads itself (a meta refresh).
func Refreshes(doc *html.Node) bool {
	return len(FindAll(doc, func(n *html.Node) bool { return n.Data == "meta" && Attr(n, "http-equiv") == "refresh" })) > 0
}
