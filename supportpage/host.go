package supportpage

import (
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
)

// hostCheck is the Host a request may name, with the port it came in on: localhost, a loopback
// address, the address it came in on, and the names of the page's --addr. A web page elsewhere
// whose name an attacker points at this machine (DNS rebinding) names its own host, and is not
// answered.
type hostCheck struct {
	names map[string]bool // lower case
}

// newHostCheck takes the page's address as --addr names it ("" for loopback only): its host,
// or, on every interface, this machine's name (the one serve prints).
func newHostCheck(addr string) *hostCheck {
	c := &hostCheck{names: map[string]bool{"localhost": true}}
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

// allows says whether r's Host header names the page.
func (c *hostCheck) allows(r *http.Request) bool {
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

func canonicalHost(host string) string {
	return strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
}

// localAddr is the address r came in on: the page's port, and which of its interfaces.
func localAddr(r *http.Request) (*net.TCPAddr, bool) {
	local, ok := r.Context().Value(http.LocalAddrContextKey).(*net.TCPAddr)
	return local, ok
}
