package postgres

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/acme/storeimport/internal/pgtest"
)

// A report kept whole in import_jobs.report before migration 7 moves to import_job_rows, in its
// order, and import_jobs.summary; migrating down puts the same report back.
func TestKeptReportsMoveToRowsOfTheirOwn(t *testing.T) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	provider, db, err := migrations(pool)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := provider.UpTo(ctx, 6); err != nil {
		t.Fatal(err)
	}
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
