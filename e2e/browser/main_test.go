// Package browser clicks through the support page (storeimport serve) in headless Chromium, as a
// support person would, and holds what the page shows against what the command line says for the
// same file: its messages, counts and files are never written here, only compared.
package browser

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// bin is the freshly built storeimport.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "storeimport-browser-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "storeimport")
	cmd := exec.Command("go", "build", "-o", bin, "../../cmd/storeimport")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	code := 1
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "building storeimport: %v\n", err)
	} else {
		code = m.Run()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}
