package storedb

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/acme/storeimport/internal/pgtest"
)

func TestOpenTakesAFileOrAServer(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "stores.db")
	for _, target := range []string{file, pgtest.URL(t)} {
		db, err := Open(ctx, target, "")
		if err != nil {
			t.Fatalf("Open(%s): %v", Redact(target), err)
		}
		status, err := db.Status(ctx)
		db.Close()
		if want := map[bool]string{true: "sqlite", false: "postgres"}[IsFile(target)]; err != nil || status.Kind != want {
			t.Errorf("Open(%s) opened %+v (%v), want %s", Redact(target), status, err, want)
		}
	}
	if _, err := Open(ctx, filepath.Join(t.TempDir(), "other.db"), "imports"); err == nil || !strings.Contains(err.Error(), "schema is for a PostgreSQL") {
		t.Errorf("a schema for an SQLite file: %v", err)
	}
	if len(SidecarPaths(file)) == 0 {
		t.Errorf("no sidecar paths for an SQLite file")
	}
	if paths := SidecarPaths("postgres://u@h/db"); paths != nil {
		t.Errorf("sidecar paths of a server: %v", paths)
	}
}

func TestRedactMasksOnlyServerPasswords(t *testing.T) {
	for target, want := range map[string]string{
		"stores.db":                       "stores.db",
		"./password=x.db":                 "./password=x.db",
		"postgres://u:s3cret@h/db":        "postgres://u:xxxxx@h/db",
		"host=h dbname=x password=s3cret": "host=h dbname=x password=xxxxx",
	} {
		if got := Redact(target); got != want {
			t.Errorf("Redact(%q) = %q, want %q", target, got, want)
		}
	}
}
