// Package pgtest gives each test a PostgreSQL database of its own on a real server: the one
// STOREIMPORT_TEST_POSTGRES names (make test starts a throwaway one and sets it), or else the
// local server on its default socket. A test never skips for want of a server: it fails, saying
// how to get one.
package pgtest

import (
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvServer names the server tests make their databases on, as a URL.
const EnvServer = "STOREIMPORT_TEST_POSTGRES"

// localServer is PostgreSQL as a Debian or Ubuntu package installs it, with trust for the
// postgres role on its socket.
const localServer = "postgres:///postgres?host=/var/run/postgresql&user=postgres"

// URL returns the URL of a fresh database made for this test, dropped when the test ends, with
// whatever connections are left to it.
func URL(t testing.TB) string {
	t.Helper()
	server := os.Getenv(EnvServer)
	if server == "" {
		server = localServer
	}
	name := "storeimport_test_" + strings.ToLower(rand.Text())
	admin(t, server, "CREATE DATABASE "+name)
	t.Cleanup(func() { admin(t, server, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	return withDatabase(t, server, name)
}

// admin runs one statement on the server's own database.
func admin(t testing.TB, server, statement string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatalf("no PostgreSQL answers at %s: run `make test`, which starts a throwaway server, or set %s (%v)",
			redacted(server), EnvServer, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, statement); err != nil {
		t.Fatalf("%s on the PostgreSQL at %s: %v", statement, redacted(server), err)
	}
}

// withDatabase is the server's URL naming another database.
func withDatabase(t testing.TB, server, name string) string {
	t.Helper()
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s must be a postgres:// URL, got %s", EnvServer, redacted(server))
	}
	u.Path = "/" + name
	return u.String()
}

// redacted shows the server's URL without its password; anything else not at all.
func redacted(server string) string {
	if u, err := url.Parse(server); err == nil {
		return u.Redacted()
	}
	return "the server " + EnvServer + " names"
}
