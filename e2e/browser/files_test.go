package browser

import (
	"os"
	"path/filepath"
	"testing"
)

// merchant is where the merchants' files the tests upload are.
const merchant = "../../testdata/merchant/"

// tempFile writes a file of the test's own and returns its path.
func tempFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
