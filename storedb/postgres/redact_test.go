package postgres

import (
	"context"
	"strings"
	"testing"
)

func TestIsTarget(t *testing.T) {
	for target, want := range map[string]bool{
		"postgres://u@h/db":                           true,
		"postgresql:///db?host=/var/run/postgresql":   true,
		"host=/var/run/postgresql dbname=x":           true,
		" dbname = x":                                 true,
		"storeimport.db":                              false,
		"./a=b.db":                                    false,
		"postgres.db":                                 false,
		"/var/lib/storeimport/host=notakeyword.db":    false,
		"color=blue.db":                               false,
		"sqlite://not-a-postgres-url":                 false,
		"password='s3 cret host=h dbname=x":           true,
		"search_path=storeimport host=h dbname=x":     true,
		"postgres://u:p@h/db?search_path=storeimport": true,
	} {
		if got := IsTarget(target); got != want {
			t.Errorf("IsTarget(%q) = %v, want %v", target, got, want)
		}
	}
}

func TestRedactMasksEveryPassword(t *testing.T) {
	for target, want := range map[string]string{
		"postgres://u:s3cret@h:5432/db":                 "postgres://u:xxxxx@h:5432/db",
		"postgresql://u:s3%40cret@h/db?sslmode=require": "postgresql://u:xxxxx@h/db?sslmode=require",
		"postgres://u:p@ss@h/db":                        "postgres://u:xxxxx@h/db",
		"postgres://u@h/db?password=s3cret&x=1":         "postgres://u@h/db?password=xxxxx&x=1",
		"postgres://u@h/db?sslpassword=s3cret":          "postgres://u@h/db?sslpassword=xxxxx",
		"postgres://u@h/db":                             "postgres://u@h/db",
		"postgres://h:5432/db":                          "postgres://h:5432/db",
		"host=h password=s3cret dbname=x":               "host=h password=xxxxx dbname=x",
		"host=h password = 's3 cr\\'et' dbname=x":       "host=h password = xxxxx dbname=x",
		"host=h password='s3 cret dbname=x":             "host=h password=xxxxx",
		"host=h sslpassword=s3cret":                     "host=h sslpassword=xxxxx",
		"host=h PASSWORD=s3cret":                        "host=h PASSWORD=xxxxx",
		"postgres://u@h/db?Password=s3cret":             "postgres://u@h/db?Password=xxxxx",
	} {
		if got := Redact(target); got != want {
			t.Errorf("Redact(%q) = %q, want %q", target, got, want)
		}
	}
}

// No error of an open shows the password, however the target is broken, and each names the
// target redacted.
func TestOpenErrorsNeverShowThePassword(t *testing.T) {
	const password = "s3cretPW"
	for _, target := range []string{
		"postgres://nobody:" + password + "@127.0.0.1:1/db?connect_timeout=2",
		"postgres://nobody:" + password + "@[::1/db",
		"postgres://nobody:" + password + "@h:port/db",
		"postgres:///db?host=/var/run/postgresql&user=nobody&password=" + password,
		"host=/var/run/postgresql user=nobody dbname=x password=" + password,
		"host=/var/run/postgresql user=nobody password='" + password + " with spaces' dbname=x",
		"host=/var/run/postgresql user=nobody dbname=x password='" + password + " " + password + " never closed",
		"host=/var/run/postgresql user=postgres dbname=storeimport_no_such_db password=" + password,
	} {
		for _, open := range []func(context.Context, string, string) (*DB, error){Open, OpenReadOnly} {
			db, err := open(context.Background(), target, "")
			if err == nil {
				db.Close()
				if strings.Contains(target, "no_such_db") {
					continue // a dry run finds no database: empty
				}
				t.Errorf("opening %s succeeded", Redact(target))
				continue
			}
			if strings.Contains(err.Error(), password) || strings.Contains(err.Error(), "cretPW") {
				t.Errorf("the error shows the password: %v", err)
			}
			if !strings.Contains(err.Error(), Redact(target)) {
				t.Errorf("the error does not name the target %s: %v", Redact(target), err)
			}
		}
	}
}
