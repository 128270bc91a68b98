// Package atomicfile writes a file that appears whole or not at all: the content goes to a
// temporary file beside the target, renamed into place on Commit. A reader (a merchant opening an
// errors CSV, a script waiting for a file) never sees a half-written one.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// File is a file being written.
type File struct {
	*os.File
	path string
	done bool
}

// Create starts writing path.
func Create(path string) (*File, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", path, err)
	}
	return &File{File: tmp, path: path}, nil
}

// Commit puts the written file in place, readable by others as an ordinary file would be.
func (f *File) Commit() error {
	if err := f.Chmod(0o644); err != nil {
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
