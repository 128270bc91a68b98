package orgclient

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// ParseEndpoint checks the platform endpoint before anything is sent. A plain http:// endpoint would
// send the bearer token in clear text, so it is refused unless it is loopback (the simulator) or the
// user said --insecure.
func ParseEndpoint(raw string, insecure bool) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("endpoint %q is not an http(s) URL; give the platform's GraphQL URL, e.g. https://platform.example.com/graphql", raw)
	}
	if u.Scheme == "http" && !insecure && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("endpoint %q is plain http and not loopback, so the token would travel unencrypted; use https, or pass --insecure if you really mean it", u.Redacted())
	}
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
