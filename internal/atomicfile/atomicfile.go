// Package atomicfile writes a file that appears whole or not at all: the content goes to a
// temporary file beside the target, renamed into place on Commit. A reader (a merchant opening an
// errors CSV, a script waiting for a file) never sees a half-written one.
package atomicfile

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// File is a file being written.
type File struct {
	*os.File
	path string
	done bool
}

// Create starts writing path. The temporary file is opened 0666, as os.Create would open path,
// so that the umask decides who may read a new file: these files hold merchants' phone numbers
// and addresses, and a user with umask 077 means them to stay private. (os.CreateTemp would make
// it 0600 whatever the umask.)
func Create(path string) (*File, error) {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+"."+rand.Text()+".tmp")
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", path, err)
	}
	return &File{File: f, path: path}, nil
}

// Commit puts the written file in place. A file it replaces keeps its permission bits, so that
// one its owner made private stays private.
func (f *File) Commit() error {
	if err := f.keepExistingMode(); err != nil {
		return f.fail(err)
	}
	if err := f.Close(); err != nil {
		return f.fail(err)
	}
	if err := os.Rename(f.Name(), f.path); err != nil {
		return f.fail(err)
	}
	f.done = true
	return nil
}

func (f *File) keepExistingMode() error {
	existing, err := os.Stat(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Chmod(existing.Mode().Perm())
}

// Abandon removes the temporary file unless Commit succeeded; it is safe to defer.
func (f *File) Abandon() {
	if !f.done {
		f.Close()
		os.Remove(f.Name())
		f.done = true
	}
}

func (f *File) fail(err error) error {
	f.Abandon()
	return fmt.Errorf("writing %s: %w", f.path, err)
}
