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
// Secure; the same proxy in front of a page with no public URL is refused, as any other host is.
func TestAPageBehindATLSProxyAnswersAtItsPublicURL(t *testing.T) {
	p := startPage(t, Config{Password: []byte("correct horse"), PublicURL: must(url.Parse("https://" + publicHost + "/"))})
	b := throughProxy(t, p.url, publicHost)
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
		if resp, _ := throughProxy(t, p.url, host).Get("/"); resp.StatusCode != http.StatusMisdirectedRequest {
			t.Errorf("Host %s through the proxy: %s, want 421", host, resp.Status)
		}
	}
	if resp, _ := p.browser().Get("/"); allSecure(resp.Cookies()) {
		t.Errorf("the page on loopback, not through its proxy, set Secure cookies %v, which plain HTTP never sends back", resp.Cookies())
	}
	unpublished := startPage(t, Config{Password: []byte("correct horse")})
	if resp, _ := throughProxy(t, unpublished.url, publicHost).Get("/"); resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("a page with no public URL through a proxy naming %s: %s, want 421", publicHost, resp.Status)
	}
}

// throughProxy is a browser of a TLS proxy in front of the page at pageURL that passes host on
// as the Host the browser asked for.
func throughProxy(t *testing.T, pageURL, host string) *pagetest.Browser {
	target := must(url.Parse(pageURL))
	proxy := httptest.NewTLSServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.Host = r.In.Host
	}})
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
