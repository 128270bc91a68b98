package supportpage

import (
	"net/http"
	"strings"
)

// forwardedOverTLS says whether the proxy r came through says the browser sent it over https.
func forwardedOverTLS(r *http.Request) bool {
	return strings.EqualFold(forwardedProto(r), "https")
}

// forwardedProto is the scheme the browser used, as the proxy r came through says it, in
// X-Forwarded-Proto (Caddy sets it; nginx with proxy_set_header X-Forwarded-Proto $scheme) or in
// Forwarded; "" when it says nothing. Of several proxies, the first, the browser's own, tells.
func forwardedProto(r *http.Request) string {
	if proto := r.Header.Get("X-Forwarded-Proto"); proto != "" {
		return strings.TrimSpace(firstOf(proto))
	}
	for _, pair := range strings.Split(firstOf(r.Header.Get("Forwarded")), ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(pair), "=")
		if strings.EqualFold(name, "proto") {
			return strings.Trim(value, `"`)
		}
	}
	return ""
}

func firstOf(list string) string {
	first, _, _ := strings.Cut(list, ",")
	return first
}

// proxyHeaders are what proxies add to name themselves or the browser behind them.
var proxyHeaders = []string{"Forwarded", "Via", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port",
	"X-Forwarded-Server", "X-Forwarded-Scheme", "X-Real-Ip", "Cf-Connecting-Ip"}

// proxied says whether r came through a proxy that names itself in one of proxyHeaders, even
// empty. A page with no password answers its own machine only: a proxy that rewrites the Host to
// the page's own address would otherwise publish it to whoever reaches the proxy. A proxy that
// names itself nowhere (nginx, unless told to) cannot be told from a browser on the machine.
func proxied(r *http.Request) bool {
	for _, name := range proxyHeaders {
		if len(r.Header[name]) > 0 {
			return true
		}
	}
	return false
}
