package cli

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSameFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile("stores.csv", []byte("public_id\n"), 0o600))
	must(os.WriteFile("other.csv", []byte("public_id\n"), 0o600))
	must(os.Link("stores.csv", "hardlink.csv"))
	must(os.Symlink("stores.csv", "symlink.csv"))
	must(os.Mkdir("data", 0o700))
	must(os.Symlink("data", "datalink"))

	for _, tt := range []struct {
		a, b string
		same bool
	}{
		{"stores.csv", "stores.csv", true},
		{"./stores.csv", "stores.csv", true},
		{filepath.Join(dir, "stores.csv"), "stores.csv", true},
		{"hardlink.csv", "stores.csv", true},
		{"symlink.csv", "stores.csv", true},
		{"other.csv", "stores.csv", false},
		{"data/stores.db-wal", "./data/stores.db-wal", true},
		{"datalink/stores.db-wal", "data/stores.db-wal", true},
		{"nowhere/../data/stores.db-wal", "data/stores.db-wal", true},
		{"data/stores.db-shm", "data/stores.db-wal", false},
		{"datalink/stores.db-wal", "stores.db-wal", false},
	} {
		if got := sameFile(tt.a, tt.b); got != tt.same {
			t.Errorf("sameFile(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}
