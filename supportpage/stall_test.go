package supportpage

import (
	"bufio"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/acme/storeimport/internal/pagetest"
)

// stalledUpload starts the check form as b's browser would, then sends no more: the connection,
// to read the answer from when one comes.
func stalledUpload(t *testing.T, b *pagetest.Browser) net.Conn {
	t.Helper()
	csrf := b.CSRF()
	base, _ := url.Parse(b.URL)
	conn, err := net.Dial("tcp", base.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	var cookies []string
	for _, c := range b.Client.Jar.Cookies(base) {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	body := "--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + csrf + "\r\n" +
		"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"stores.csv\"\r\n\r\npublic_id,name,location,industry,phone\n"
	head := "POST /check HTTP/1.1\r\nHost: " + base.Host + "\r\nCookie: " + strings.Join(cookies, "; ") +
		"\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n"
	if _, err := conn.Write([]byte(head + body)); err != nil {
		t.Fatal(err)
	}
	return conn
}

// answerOf reads the answer on conn, waiting at most wait for it.
func answerOf(t *testing.T, conn net.Conn, wait time.Duration) (*http.Response, error) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(wait))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err == nil {
		resp.Body.Close()
	}
	return resp, err
}

func TestAStalledUploadFreesItsSlot(t *testing.T) {
	p := startPage(t, Config{Checks: 1, UploadIdle: 200 * time.Millisecond})
	stalled := stalledUpload(t, p.client)
	resp, err := answerOf(t, stalled, 10*time.Second)
	if err != nil {
		t.Fatalf("the stalled upload was never given up: %v", err)
	}
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Errorf("the stalled upload: %s, want 408", resp.Status)
	}
	if resp, _ := p.client.Upload(p.client.CSRF(), "org_1", "utf8.csv", merchantFile(t, "utf8.csv")); resp.StatusCode != http.StatusOK {
		t.Errorf("a check after the stalled one: %s, want 200", resp.Status)
	}
}

func TestBusyAnswersWithoutReadingTheUpload(t *testing.T) {
	platform, arrived, release := gatedPlatform(t)
	defer release()
	p := startPage(t, Config{Platform: platform, Checks: 1, UploadIdle: time.Minute})
	contentType, form := pagetest.Form(t, p.client.CSRF(), "org_1", "utf8.csv", merchantFile(t, "utf8.csv"))
	go func() {
		if resp, err := p.client.Client.Post(p.url+"/check", contentType, form); err == nil {
			resp.Body.Close()
		}
	}()
	select {
	case <-arrived: // the one check's slot is taken
	case <-time.After(10 * time.Second):
		t.Fatal("the first check never asked the platform")
	}
	resp, err := answerOf(t, stalledUpload(t, p.browser()), 10*time.Second)
	if err != nil {
		t.Fatalf("no busy answer while the upload is still coming: %v", err)
	}
	if resp.StatusCode != http.StatusServiceUnavailable || !resp.Close {
		t.Errorf("busy: %s, closing %v, want 503 and the connection closed", resp.Status, resp.Close)
	}
}
