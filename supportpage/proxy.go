package supportpage

import (
	"net/http"
	"strings"
)

// forwardedOverTLS says whether the proxy r came through says the browser sent it over https,
// in X-Forwarded-Proto (Caddy sets it; nginx with proxy_set_header X-Forwarded-Proto $scheme) or
// in Forwarded. Of several proxies, the first, the browser's own, is the one that tells.
func forwardedOverTLS(r *http.Request) bool {
	if proto := r.Header.Get("X-Forwarded-Proto"); proto != "" {
		return strings.EqualFold(strings.TrimSpace(firstOf(proto)), "https")
	}
	for _, pair := range strings.Split(firstOf(r.Header.Get("Forwarded")), ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(pair), "=")
		if strings.EqualFold(name, "proto") {
			return strings.EqualFold(strings.Trim(value, `"`), "https")
		}
	}
	return false
}

func firstOf(list string) string {
	first, _, _ := strings.Cut(list, ",")
	return first
}

// proxied says whether r came through a proxy, which names itself in one of these headers. A
// page with no password answers this machine only; a proxy that rewrites the Host to the page's
// own address (nginx's default) would otherwise publish it to whoever reaches the proxy.
func proxied(r *http.Request) bool {
	for _, name := range []string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-Ip", "Via"} {
		if r.Header.Get(name) != "" {
			return true
		}
	}
	return false
}
