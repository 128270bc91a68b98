//go:build unix

// Package permtest lets tests check the permissions of the files the tool writes, which hold
// merchants' phone numbers and addresses.
package permtest

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// CheckWrite checks that write, which writes a file at the path it is given, makes a new file
// under umask 077 readable by its owner only, and keeps the permission bits of a file it writes
// over, even where the umask would allow more. It sets the process's umask: a test that calls it
// must not call t.Parallel.
func CheckWrite(t *testing.T, write func(t *testing.T, path string)) {
	t.Helper()
	Umask(t, 0o077)
	fresh := filepath.Join(t.TempDir(), "merchant.csv")
	write(t, fresh)
	WantMode(t, fresh, 0o600)

	Umask(t, 0o022)
	for _, mode := range []fs.FileMode{0o600, 0o640} {
		existing := filepath.Join(t.TempDir(), "merchant.csv")
		writeFile(t, existing, mode)
		write(t, existing)
		WantMode(t, existing, mode)
		if data, _ := os.ReadFile(existing); string(data) == oldContent {
			t.Errorf("the file of mode %v was not written over", mode)
		}
	}
}

// Umask sets the process's umask until the test ends. The umask belongs to the whole process, so
// a test that calls Umask must not call t.Parallel: other tests' files would get it too.
func Umask(t testing.TB, mask int) {
	old := syscall.Umask(mask)
	t.Cleanup(func() { syscall.Umask(old) })
}

// WantMode fails the test unless path's permission bits are want.
func WantMode(t testing.TB, path string, want fs.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s has mode %v, want %v", path, got, want)
	}
}

const oldContent = "old content\n"

// writeFile makes path a file with exactly mode's permission bits, whatever the umask.
func writeFile(t testing.TB, path string, mode fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(oldContent), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}
