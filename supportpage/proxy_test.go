package supportpage

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/acme/storeimport/internal/pagetest"
)

const publicHost = "stores-support.example.test"

// TestAPageBehindATLSProxyAnswersAtItsPublicURL: a proxy that terminates TLS and passes the
// browser's Host on (as Caddy does) reaches the page at its public URL, whose cookies are then
// Secure; the same proxy in front of a page with no public URL is refused, as any other host is,
// and so is a request the proxy took over plain HTTP, which would carry the password in the clear.
func TestAPageBehindATLSProxyAnswersAtItsPublicURL(t *testing.T) {
	p := startPage(t, Config{Password: []byte("correct horse"), PublicURL: must(url.Parse("https://" + publicHost + "/"))})
	b := throughProxy(t, p.url, publicHost, true)
	resp, _ := b.Get("/")
	if resp.StatusCode != http.StatusOK || !allSecure(resp.Cookies()) {
		t.Fatalf("the page through its proxy: %s, cookies %v, want 200 and every cookie Secure", resp.Status, resp.Cookies())
	}
	login := url.Values{"csrf": {b.CSRF()}, "password": {"correct horse"}}
	if resp, err := b.Client.Post(b.URL+"/login", "application/x-www-form-urlencoded", strings.NewReader(login.Encode())); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the login through the proxy: %v %v, want 200", resp.Status, err)
	}
	if resp, doc := b.Upload(b.CSRF(), "org_1", "utf8.csv", merchantFile(t, "utf8.csv")); resp.StatusCode != http.StatusOK || pagetest.ByID(doc, "summary") == nil {
		t.Errorf("a check through the proxy: %s, want 200 with its summary", resp.Status)
	}
	for _, host := range []string{publicHost + ":8443", "evil.example"} {
		if resp, _ := throughProxy(t, p.url, host, true).Get("/"); resp.StatusCode != http.StatusMisdirectedRequest {
			t.Errorf("Host %s through the proxy: %s, want 421", host, resp.Status)
		}
	}
	resp, body := throughProxy(t, p.url, publicHost, false).Download("/")
	if resp.StatusCode != http.StatusMisdirectedRequest || !strings.Contains(string(body), "published over HTTPS only: open https://"+publicHost+"/") {
		t.Errorf("over plain HTTP through the proxy: %s %q, want 421 naming the https address", resp.Status, body)
	}
	if resp, _ := p.browser().Get("/"); len(resp.Cookies()) == 0 || anySecure(resp.Cookies()) {
		t.Errorf("the page on loopback, not through its proxy, set cookies %v; want its session cookie, not Secure, as plain HTTP never sends one back", resp.Cookies())
	}
	resp, body = hostRewriting(t, p.url).Download("/")
	if resp.StatusCode != http.StatusMisdirectedRequest || !strings.Contains(string(body), "must pass the browser's Host on") {
		t.Errorf("through a proxy that rewrites the Host, which would pass plain HTTP on too: %s %q, want 421 saying what the proxy must do",
			resp.Status, body)
	}
	unpublished := startPage(t, Config{Password: []byte("correct horse")})
	if resp, _ := throughProxy(t, unpublished.url, publicHost, true).Get("/"); resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("a page with no public URL through a proxy naming %s: %s, want 421", publicHost, resp.Status)
	}
}

// TestAPageWithNoPasswordIsNotServedThroughAProxy: a proxy that sends the page's own address as
// the Host passes the Host check; a page with no password, which is for its own machine only,
// refuses it all the same when the proxy names itself (X-Forwarded-For here). With a password,
// the password guards it.
func TestAPageWithNoPasswordIsNotServedThroughAProxy(t *testing.T) {
	for _, c := range []struct {
		password string
		want     int
	}{{"", http.StatusForbidden}, {"correct horse", http.StatusOK}} {
		p := startPage(t, Config{Password: []byte(c.password)})
		if resp, _ := hostRewriting(t, p.url).Download("/"); resp.StatusCode != c.want {
			t.Errorf("password %q, through a proxy that rewrites the Host: %s, want %d", c.password, resp.Status, c.want)
		}
	}
}

// hostRewriting is a browser of a plain HTTP proxy in front of the page at pageURL that sends the
// page's own address as the Host and names itself in the X-Forwarded headers.
func hostRewriting(t *testing.T, pageURL string) *pagetest.Browser {
	target := must(url.Parse(pageURL))
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.SetXForwarded()
	}})
	t.Cleanup(proxy.Close)
	return pagetest.NewBrowser(t, proxy.URL)
}

// throughProxy is a browser of a proxy in front of the page at pageURL, over TLS or not, that
// passes host on as the Host the browser asked for, and says which scheme the browser used.
func throughProxy(t *testing.T, pageURL, host string, overTLS bool) *pagetest.Browser {
	target := must(url.Parse(pageURL))
	proxy := httptest.NewUnstartedServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.SetXForwarded()
		r.Out.Host = r.In.Host
	}})
	if overTLS {
		proxy.StartTLS()
	} else {
		proxy.Start()
	}
	t.Cleanup(proxy.Close)
	b := pagetest.NewBrowser(t, proxy.URL)
	client := proxy.Client()
	client.Jar = b.Client.Jar
	client.Transport = hostNaming{host: host, next: client.Transport}
	b.Client = client
	return b
}

// hostNaming sends every request with Host host, as a browser at the proxy's public name does.
type hostNaming struct {
	host string
	next http.RoundTripper
}

func (h hostNaming) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Host = h.host
	return h.next.RoundTrip(r)
}

func allSecure(cookies []*http.Cookie) bool {
	for _, c := range cookies {
		if !c.Secure {
			return false
		}
	}
	return len(cookies) > 0
}

func anySecure(cookies []*http.Cookie) bool {
	for _, c := range cookies {
		if c.Secure {
			return true
		}
	}
	return false
}
