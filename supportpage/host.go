package supportpage

import (
	"fmt"
	"net"
	"os"
	"strings"
)

// hostCheck is the Host a request may name: the page's own address, or this machine's loopback
// by any name, with the page's port. A web page elsewhere whose name an attacker points at
// 127.0.0.1 (DNS rebinding) names its own host, and is not answered.
type hostCheck struct {
	port  string
	names map[string]bool // lower case; IP addresses as net.IP.String writes them
}

// newHostCheck takes the address the page listens on: host (as --addr names it) and port.
func newHostCheck(addr string) (*hostCheck, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("the page's address %q: %w", addr, err)
	}
	c := &hostCheck{port: port, names: map[string]bool{"localhost": true}}
	if ip := net.ParseIP(host); host != "" && (ip == nil || !ip.IsUnspecified()) {
		c.names[canonicalHost(host)] = true
		return c, nil
	}
	// On every interface: the machine's name (the one serve prints) and its addresses.
	if name, err := os.Hostname(); err == nil {
		c.names[canonicalHost(name)] = true
	}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if ipNet, ok := a.(*net.IPNet); ok {
			c.names[ipNet.IP.String()] = true
		}
	}
	return c, nil
}

// allows says whether a request's Host header names the page.
func (c *hostCheck) allows(header string) bool {
	host, port, err := net.SplitHostPort(header)
	if err != nil {
		host, port = header, "80"
	}
	if port != c.port {
		return false
	}
	host = canonicalHost(host)
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return true
	}
	return c.names[host]
}

func canonicalHost(host string) string {
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	if ip := net.ParseIP(host); ip != nil {
		return ip.String()
	}
	return host
}
