package supportpage

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
)

// hostCheck is the Host a request may name, with the port it came in on: localhost, a loopback
// address, the address it came in on, and the names of the page's --addr; and, through the TLS
// proxy that publishes the page, the host and port of its public URL. A web page elsewhere whose
// name an attacker points at this machine (DNS rebinding) names its own host, and is not
// answered.
type hostCheck struct {
	names  map[string]bool // lower case
	public *url.URL        // nil when no proxy publishes the page
}

// newHostCheck takes the page's address as --addr names it ("" for loopback only): its host,
// or, on every interface, this machine's name (the one serve prints); and the URL a proxy
// publishes it at, or nil.
func newHostCheck(addr string, public *url.URL) *hostCheck {
	c := &hostCheck{names: map[string]bool{"localhost": true}, public: public}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return c
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host, _ = os.Hostname()
	}
	if host != "" {
		c.names[canonicalHost(host)] = true
	}
	return c
}

// refusal says why r is not answered, as what the browser should open instead or what the proxy
// in front of the page must do; "" when r names the page.
func (c *hostCheck) refusal(r *http.Request) string {
	switch {
	case c.viaPublicURL(r):
		return ""
	case c.namesPublicHost(r) && forwardedProto(r) != "":
		return fmt.Sprintf("This page is published over HTTPS only: open %s", c.public)
	case c.public != nil && proxied(r):
		// A proxy that rewrites the Host to the page's own address would pass plain HTTP on too.
		return fmt.Sprintf("This page is published at %s through a proxy, which must pass the browser's Host on and say "+
			"X-Forwarded-Proto: https: ask whoever runs the proxy to set it up as docs/support.md says.", c.public)
	case !c.namesPage(r):
		return "This page answers to its own address only: open the address storeimport serve printed."
	}
	return ""
}

// namesPage says whether r's Host names the page at the address and port it came in on.
func (c *hostCheck) namesPage(r *http.Request) bool {
	local, ok := localAddr(r)
	if !ok {
		return false
	}
	host, port, err := net.SplitHostPort(r.Host)
	if err != nil {
		host, port = r.Host, "80"
	}
	if port != strconv.Itoa(local.Port) {
		return false
	}
	host = canonicalHost(host)
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback() || ip.Equal(local.IP)
	}
	return c.names[host]
}

// viaPublicURL says whether r came through the page's proxy over TLS: it names the host and port
// of the page's public URL, as a proxy that passes the browser's Host on (Caddy does) sends it,
// and the proxy says the browser's request was https. The same proxy may also pass on plain HTTP,
// which would carry the password in the clear.
func (c *hostCheck) viaPublicURL(r *http.Request) bool {
	return c.namesPublicHost(r) && forwardedOverTLS(r)
}

func (c *hostCheck) namesPublicHost(r *http.Request) bool {
	if c.public == nil {
		return false
	}
	host, port, err := net.SplitHostPort(r.Host)
	if err != nil {
		host, port = r.Host, ""
	}
	return canonicalHost(host) == canonicalHost(c.public.Hostname()) && portOr(port, c.public.Scheme) == portOr(c.public.Port(), c.public.Scheme)
}

// secure says whether the browser reached the page over TLS, its own or its proxy's, so that
// the cookies set in the answer are sent back over TLS only.
func (c *hostCheck) secure(r *http.Request) bool {
	return r.TLS != nil || c.viaPublicURL(r)
}

// portOr is port, or the scheme's own when none is given.
func portOr(port, scheme string) string {
	switch {
	case port != "":
		return port
	case scheme == "https":
		return "443"
	}
	return "80"
}

func canonicalHost(host string) string {
	return strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
}

// localAddr is the address r came in on: the page's port, and which of its interfaces.
func localAddr(r *http.Request) (*net.TCPAddr, bool) {
	local, ok := r.Context().Value(http.LocalAddrContextKey).(*net.TCPAddr)
	return local, ok
}
