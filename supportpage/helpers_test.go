package supportpage

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// page is the support page on loopback, and a browser of it with its own cookies.
type page struct {
	t      *testing.T
	server *Server
	url    string
	client *http.Client
	temp   string
}

func startPage(t *testing.T, cfg Config) *page {
	t.Helper()
	if cfg.MaxUpload == 0 {
		cfg.MaxUpload = 1 << 20
	}
	if cfg.Checks == 0 {
		cfg.Checks = 2
	}
	cfg.TempDir = t.TempDir()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(func() {
		srv.Close()
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	p := &page{t: t, server: s, url: srv.URL, temp: cfg.TempDir}
	p.client = p.browser()
	return p
}

// browser is another browser, with cookies of its own.
func (p *page) browser() *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		p.t.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

// get fetches path and parses the page.
func (p *page) get(c *http.Client, path string) (*http.Response, *html.Node) {
	p.t.Helper()
	resp, err := c.Get(p.url + path)
	if err != nil {
		p.t.Fatal(err)
	}
	return resp, parse(p.t, resp)
}

// csrf is the check form's token of the browser's session, read from the page.
func (p *page) csrf(c *http.Client) string {
	p.t.Helper()
	_, doc := p.get(c, "/")
	for _, n := range findAll(doc, func(n *html.Node) bool { return attr(n, "name") == "csrf" }) {
		return attr(n, "value")
	}
	p.t.Fatal("no csrf field on the page")
	return ""
}

// upload sends the check form as the page's form does: the token, the organization, the file.
func (p *page) upload(c *http.Client, csrf, org, name string, data []byte) (*http.Response, *html.Node) {
	p.t.Helper()
	contentType, body := formOf(p.t, csrf, org, name, data)
	resp, err := c.Post(p.url+"/check", contentType, body)
	if err != nil {
		p.t.Fatal(err)
	}
	return resp, parse(p.t, resp)
}

// formOf is a multipart form body; its content type is returned by Post's second argument.
func formOf(t *testing.T, csrf, org, name string, data []byte) (string, io.Reader) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if csrf != "" {
		w.WriteField("csrf", csrf)
	}
	w.WriteField("org", org)
	f, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(data)
	w.Close()
	return w.FormDataContentType(), &body
}

func merchantFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "merchant", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func parse(t *testing.T, resp *http.Response) *html.Node {
	t.Helper()
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

func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var found []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && match(d) {
			found = append(found, d)
		}
	}
	return found
}

func byID(doc *html.Node, id string) *html.Node {
	for _, n := range findAll(doc, func(n *html.Node) bool { return attr(n, "id") == id }) {
		return n
	}
	return nil
}

// textOf is the text of the element with that id; "" when there is none.
func textOf(doc *html.Node, id string) string {
	n := byID(doc, id)
	if n == nil {
		return ""
	}
	return text(n)
}

func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return strings.TrimSpace(b.String())
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// tableRows are the lines of table#rows: their data-line, data-status, and cells by class.
func tableRows(doc *html.Node) []map[string]string {
	table := byID(doc, "rows")
	if table == nil {
		return nil
	}
	var rows []map[string]string
	for _, tr := range findAll(table, func(n *html.Node) bool { return n.Data == "tr" && attr(n, "data-line") != "" }) {
		row := map[string]string{"data-line": attr(tr, "data-line"), "data-status": attr(tr, "data-status")}
		for _, td := range findAll(tr, func(n *html.Node) bool { return n.Data == "td" }) {
			row[attr(td, "class")] = text(td)
		}
		rows = append(rows, row)
	}
	return rows
}
