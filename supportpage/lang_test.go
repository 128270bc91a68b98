package supportpage

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/acme/storeimport/internal/pagetest"
)

// rawGet sends a request line as given, since net/http's client cleans such paths before sending.
func rawGet(t *testing.T, base, target string) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := conn.Write([]byte("GET " + target + " HTTP/1.1\r\nHost: " + strings.TrimPrefix(base, "http://") + "\r\nConnection: close\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestTheLanguageSwitchStaysOnThePage(t *testing.T) {
	p := startPage(t, Config{Password: []byte("pw")})
	for _, target := range []string{"//evil.example/?lang=en", `/\evil.example/?lang=en`, "/%5Cevil.example/?lang=en", "//evil.example/x", `/\evil.example/x`} {
		resp := rawGet(t, p.url, target)
		if location := resp.Header.Get("Location"); location != "" && offSite(location) {
			t.Errorf("GET %s: Location %q, want a path of this site", target, location)
		}
		doc := pagetest.Parse(t, resp)
		if resp.StatusCode != http.StatusOK {
			continue
		}
		for _, id := range []string{"lang-ja", "lang-en"} {
			link := pagetest.ByID(doc, id)
			if link == nil {
				t.Fatalf("GET %s: %s, no a#%s", target, resp.Status, id)
			}
			if href := pagetest.Attr(link, "href"); offSite(href) {
				t.Errorf("GET %s: a#%s %q, want a path of this site", target, id, href)
			}
		}
	}
}

// offSite says whether a browser would leave the site for link: "//host" and "/\host" name
// another host.
func offSite(link string) bool {
	return !strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//") || strings.HasPrefix(link, `/\`)
}
