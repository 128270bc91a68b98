package supportpage

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/acme/storeimport/internal/pagetest"
)

// page is the support page on loopback, and a browser of it.
type page struct {
	t      *testing.T
	server *Server
	url    string
	client *pagetest.Browser
	temp   string
}

func startPage(t *testing.T, cfg Config) *page {
	t.Helper()
	if cfg.MaxUpload == 0 {
		cfg.MaxUpload = 1 << 20
	}
	if cfg.Checks == 0 {
		cfg.Checks = 2
	}
	cfg.TempDir = t.TempDir()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(func() {
		srv.Close()
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	p := &page{t: t, server: s, url: srv.URL, temp: cfg.TempDir}
	p.client = p.browser()
	return p
}

// browser is another browser, with cookies of its own.
func (p *page) browser() *pagetest.Browser { return pagetest.NewBrowser(p.t, p.url) }

func merchantFile(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "merchant", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
