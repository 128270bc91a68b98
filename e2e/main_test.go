// Package e2e runs the built binaries as an engineer would: the simulator as its own process,
// storeimport against it, and checks what ends up on the platform and in the database.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// bins holds the freshly built storeimport and orgplatform-sim.
var bins string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "storeimport-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bins = dir
	code := build()
	if code == 0 {
		code = m.Run()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

func build() int {
	for _, pkg := range []string{"storeimport", "orgplatform-sim"} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(bins, pkg), "../cmd/"+pkg)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "building %s: %v\n", pkg, err)
			return 1
		}
	}
	return 0
}
