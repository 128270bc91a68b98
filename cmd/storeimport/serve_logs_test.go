package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/acme/storeimport/internal/pagetest"
)

// TestServeLogsNoCellValue checks, with the platform's checks on, a file whose every cell holds
// a marker (a valid row, a row invalid in each column, a public_id repeated, a column the
// template does not have), opens its result and downloads: serve logs the check, and no cell
// value. The headers are not merchant data: the command line logs an unknown one by design.
func TestServeLogsNoCellValue(t *testing.T) {
	const marker = "zq7mark"
	endpoint, _, release := pagetest.GatedPlatform(t)
	release()
	dir := t.TempDir()
	token := filepath.Join(dir, "token.txt")
	if err := os.WriteFile(token, []byte(pagetest.PlatformToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	file := strings.Join([]string{
		"public_id,name,location,industry,phone,memo",
		"zq7mark-01,zq7mark店,東京都zq7mark,restaurant,03-1234-5678,zq7mark",
		"zq7mark-02,zq7mark\tname,zq7mark" + strings.Repeat("長", 200) + ",zq7mark,zq7mark,zq7mark",
		"zq7mark-02,zq7mark店,東京都zq7mark,zq7mark,03-zq7mark,zq7mark",
		"zq7mark_bad id,,,,,zq7mark",
	}, "\n") + "\n"
	serve, browser := startServe(t, "--endpoint", endpoint, "--token-file", token, "--db", filepath.Join(dir, "none.db"))
	resp, doc := browser.Upload(browser.CSRF(), "org_1", "stores.csv", []byte(file))
	if resp.StatusCode != http.StatusOK || pagetest.TextOf(doc, "count-invalid") != "3" {
		t.Fatalf("the check: %s, %q invalid, want its result with 3", resp.Status, pagetest.TextOf(doc, "count-invalid"))
	}
	result := resp.Request.URL.Path
	browser.Get(result + "?invalid=1")
	browser.Download(result + "/errors")
	browser.Download(result + "/report.csv")
	if !serve.AwaitStderr("checked a file", 10*time.Second) {
		t.Fatalf("serve did not log the check:\n%s", serve.Stderr())
	}
	if logs := serve.Stderr(); strings.Contains(strings.ToLower(logs), marker) {
		t.Errorf("serve logged a cell of the merchant's file:\n%s", logs)
	}
}
