package pgtest

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestURLIsAFreshDatabaseDroppedAfterTheTest(t *testing.T) {
	ctx := context.Background()
	var name string
	t.Run("user", func(t *testing.T) {
		conn, err := pgx.Connect(ctx, URL(t))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var tables int
		conn.QueryRow(ctx, `SELECT current_database(), (SELECT count(*) FROM pg_tables WHERE schemaname = 'public')`).Scan(&name, &tables)
		if !strings.HasPrefix(name, "storeimport_test_") || tables != 0 {
			t.Errorf("database %s with %d tables, want a fresh storeimport_test_ one", name, tables)
		}
	})
	server := os.Getenv(EnvServer)
	if server == "" {
		server = localServer
	}
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var left bool
	conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&left)
	if left {
		t.Errorf("database %s is left after its test", name)
	}
}

// envCallURL makes the test binary a test that only asks for a database.
const envCallURL = "PGTEST_CALL_URL"

func TestCallURL(t *testing.T) {
	if os.Getenv(envCallURL) == "" {
		return
	}
	URL(t)
}

// Where no server answers, a test fails saying how to get one, and shows no password: it never
// skips.
func TestNoServerFailsSayingWhatToDo(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCallURL$", "-test.v")
	cmd.Env = append(os.Environ(), envCallURL+"=1", EnvServer+"=postgres://u:s3cretPW@127.0.0.1:1/postgres?connect_timeout=2")
	out, err := cmd.CombinedOutput()
	if err == nil || strings.Contains(string(out), "SKIP") {
		t.Fatalf("a test with no server passed or skipped:\n%s", out)
	}
	for _, want := range []string{"no PostgreSQL answers at postgres://u:xxxxx@127.0.0.1:1/postgres", "run `make test`", EnvServer} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the failure does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "s3cretPW") {
		t.Errorf("the failure shows the password:\n%s", out)
	}
}
