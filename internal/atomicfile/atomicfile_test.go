//go:build unix

package atomicfile_test

import (
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/acme/storeimport/internal/atomicfile"
	"github.com/acme/storeimport/internal/permtest"
)

func write(t *testing.T, path string) {
	t.Helper()
	f, err := atomicfile.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abandon()
	if _, err := f.WriteString("public_id,phone\nshibuya-01,03-1234-5678\n"); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
}

// Not parallel: the umask is the whole process's.
func TestCommitKeepsMerchantDataPrivate(t *testing.T) {
	permtest.CheckWrite(t, write)
}

func TestNewFileHonoursTheUmask(t *testing.T) {
	for _, tt := range []struct {
		umask int
		want  fs.FileMode
	}{{0o027, 0o640}, {0o022, 0o644}, {0o002, 0o664}} {
		permtest.Umask(t, tt.umask)
		path := filepath.Join(t.TempDir(), "errors.csv")
		write(t, path)
		permtest.WantMode(t, path, tt.want)
	}
}
