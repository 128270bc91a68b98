package pagetest

import (
	"bufio"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// StalledUpload starts the check form as b's browser would, then sends no more of it: the
// connection, to read the answer on when one comes.
func StalledUpload(t testing.TB, b *Browser) net.Conn {
	t.Helper()
	csrf := b.CSRF()
	base, err := url.Parse(b.URL)
	if err != nil {
		t.Fatal(err)
	}
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

// AnswerOf reads the answer on conn, waiting at most wait for it.
func AnswerOf(conn net.Conn, wait time.Duration) (*http.Response, error) {
	conn.SetReadDeadline(time.Now().Add(wait))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err == nil {
		resp.Body.Close()
	}
	return resp, err
}
