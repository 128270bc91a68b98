package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pressly/goose/v3"

	"github.com/acme/storeimport/internal/pgtest"
)

// A report kept whole in import_jobs.report before migration 7 moves to import_job_rows, in its
// order, and import_jobs.summary; migrating down puts the same report back.
func TestKeptReportsMoveToRowsOfTheirOwn(t *testing.T) {
	ctx := context.Background()
	pool, provider := migratedTo(t, 6)
	const report = `{"rows": [` +
		`{"Line": 3, "PublicID": "shibuya-01", "Status": "created", "ShopID": "shop_1", "Error": "", "Row": null}, ` +
		`{"Line": 2, "PublicID": "Bad ID", "Status": "invalid", "ShopID": "", "Error": "public_id: use a-z, 0-9 and -", "Row": null}], ` +
		`"summary": {"OrganizationID": "org_1", "Counts": {"created": 1, "invalid": 1}, "Rows": 2}}`
	// A run that ended before its first row kept no rows as null.
	const noRows = `{"rows": null, "summary": {"OrganizationID": "org_1", "Counts": {}, "Rows": 0}}`
	var withReport, withNoRows, without int64
	pool.QueryRow(ctx, `INSERT INTO import_jobs (platform_org_id, file_name, report) VALUES ('org_1', 'a.csv', $1) RETURNING id`,
		[]byte(report)).Scan(&withReport)
	pool.QueryRow(ctx, `INSERT INTO import_jobs (platform_org_id, file_name, report) VALUES ('org_1', 'empty.csv', $1) RETURNING id`,
		[]byte(noRows)).Scan(&withNoRows)
	pool.QueryRow(ctx, `INSERT INTO import_jobs (platform_org_id, file_name) VALUES ('org_1', 'b.csv') RETURNING id`).Scan(&without)
	if _, err := provider.UpTo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	rows, _ := pool.Query(ctx, `SELECT import_id, seq, line, public_id, status, shop_id, error FROM import_job_rows ORDER BY import_id, seq`)
	moved, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct {
		ImportID                        int64
		Seq, Line                       int
		PublicID, Status, ShopID, Error string
	}])
	if err != nil {
		t.Fatal(err)
	}
	if len(moved) != 2 || moved[0].ImportID != withReport || moved[0].Seq != 1 || moved[0].PublicID != "shibuya-01" || moved[0].ShopID != "shop_1" ||
		moved[1].Seq != 2 || moved[1].Line != 2 || moved[1].Status != "invalid" || moved[1].Error != "public_id: use a-z, 0-9 and -" {
		t.Errorf("rows moved: %+v, want shibuya-01 then Bad ID of job %d, in the report's order", moved, withReport)
	}
	var summary, empty, none []byte
	pool.QueryRow(ctx, `SELECT summary FROM import_jobs WHERE id = $1`, withReport).Scan(&summary)
	pool.QueryRow(ctx, `SELECT summary FROM import_jobs WHERE id = $1`, withNoRows).Scan(&empty)
	pool.QueryRow(ctx, `SELECT summary FROM import_jobs WHERE id = $1`, without).Scan(&none)
	if !sameJSON(t, summary, `{"OrganizationID": "org_1", "Counts": {"created": 1, "invalid": 1}, "Rows": 2}`) ||
		!sameJSON(t, empty, `{"OrganizationID": "org_1", "Counts": {}, "Rows": 0}`) || none != nil {
		t.Errorf("summaries moved: %s, %s and %s, want the two reports' and none", summary, empty, none)
	}
	if _, err := provider.DownTo(ctx, 6); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64]string{withReport: report, withNoRows: strings.Replace(noRows, "null", "[]", 1)} {
		var back []byte
		pool.QueryRow(ctx, `SELECT report FROM import_jobs WHERE id = $1`, id).Scan(&back)
		if !sameJSON(t, back, want) {
			t.Errorf("a report after migrating down:\n%s\nwant\n%s", back, want)
		}
	}
}

func sameJSON(t *testing.T, got []byte, want string) bool {
	t.Helper()
	var a, b any
	if err := json.Unmarshal(got, &a); err != nil {
		return false
	}
	if err := json.Unmarshal([]byte(want), &b); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(a, b)
}

// An errors file kept whole in import_jobs.errors_file before migration 9 is cut into parts of
// 1 MiB, as a worker cuts one, with its size and number of parts; an empty one has none. Migrating
// down puts the same bytes back, the parts joined in order.
func TestKeptErrorsFilesMoveToParts(t *testing.T) {
	ctx := context.Background()
	pool, provider := migratedTo(t, 8)
	kept := map[string][]byte{
		"big":   append(bytes.Repeat([]byte("Bad ID,x,\"public_id: use a-z, 0-9 and -\"\n"), 1<<20/40), "tail"...),
		"empty": {},
	}
	ids := map[string]int64{}
	for name, file := range kept {
		var id int64
		err := pool.QueryRow(ctx, `INSERT INTO import_jobs (platform_org_id, file_name, errors_file, errors_name) VALUES ('org_1', $1, $2, $1)
			RETURNING id`, name, file).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = id
	}
	if _, err := provider.UpTo(ctx, 9); err != nil {
		t.Fatal(err)
	}
	for name, file := range kept {
		rows, _ := pool.Query(ctx, `SELECT part FROM import_job_errors WHERE import_id = $1 ORDER BY seq`, ids[name])
		parts, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
		var size, count int64
		pool.QueryRow(ctx, `SELECT errors_size, errors_parts FROM import_jobs WHERE id = $1`, ids[name]).Scan(&size, &count)
		wantParts := (len(file) + 1<<20 - 1) / (1 << 20)
		if err != nil || len(parts) != wantParts || !bytes.Equal(bytes.Join(parts, nil), file) || size != int64(len(file)) || count != int64(wantParts) {
			t.Errorf("%s: %d parts of %d bytes in all (%v), size %d, %d parts said; want %d parts of the %d bytes",
				name, len(parts), len(bytes.Join(parts, nil)), err, size, count, wantParts, len(file))
		}
		if len(parts) > 0 && len(parts[0]) != 1<<20 {
			t.Errorf("%s: a first part of %d bytes, want 1 MiB", name, len(parts[0]))
		}
	}
	if _, err := provider.DownTo(ctx, 8); err != nil {
		t.Fatal(err)
	}
	for name, file := range kept {
		var back []byte
		pool.QueryRow(ctx, `SELECT errors_file FROM import_jobs WHERE id = $1`, ids[name]).Scan(&back)
		if !bytes.Equal(back, file) || back == nil {
			t.Errorf("%s after migrating down: %d bytes, want the %d kept", name, len(back), len(file))
		}
	}
}

// migratedTo is a fresh database migrated up to version, and goose's provider of its migrations.
func migratedTo(t *testing.T, version int64) (*pgxpool.Pool, *goose.Provider) {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	provider, db, err := migrations(pool)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := provider.UpTo(context.Background(), version); err != nil {
		t.Fatal(err)
	}
	return pool, provider
}
