package importer

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// A public_id is the merchant's text: a terminal escape in it must not reach the terminal raw
// through the table, so it is quoted as the error column quotes the value.
func TestTableQuotesControlCharactersInThePublicID(t *testing.T) {
	for _, id := range []string{"\x1b[2Jab", "ab\x9b2J"} {
		var out bytes.Buffer
		report, err := NewReporter(&out, "table", "org_1", true)
		if err != nil {
			t.Fatal(err)
		}
		problem := Problem{Column: "public_id", Code: CodeBadID, Value: id}
		for _, r := range []Result{
			{Line: 2, PublicID: id, Status: StatusInvalid, Error: problem.Render(LangEN)},
			{Line: 3, PublicID: "shibuya-01", Status: StatusWouldCreate},
		} {
			if err := report.Row(r); err != nil {
				t.Fatal(err)
			}
		}
		if err := report.Close(&Summary{Rows: 2}); err != nil {
			t.Fatal(err)
		}
		table := out.String()
		if strings.ContainsRune(table, '\x1b') || !utf8.ValidString(table) {
			t.Errorf("the table has a raw escape or a byte that is not UTF-8:\n%q", table)
		}
		quoted := strconv.Quote(id)
		if !strings.Contains(table, "2      "+quoted+" ") || !strings.Contains(table, "public_id: "+quoted) {
			t.Errorf("want the id shown as %s in both PUBLIC_ID and ERROR:\n%s", quoted, table)
		}
		if !strings.Contains(table, "3      shibuya-01 ") {
			t.Errorf("a valid id is shown as it is, unquoted:\n%s", table)
		}
	}
}

// The JSON report writes its rows itself, for speed: each must be what encoding/json writes for
// the spec's row object, whatever the text (HTML's characters, controls, quotes, invalid UTF-8,
// U+2028, Japanese, a formula's look-alike).
func TestJSONRowsAreWhatEncodingJSONWrites(t *testing.T) {
	texts := []string{"", "shibuya-01", "shop_123", `a"b`, `a\b`, "<script>", "a<b", "a>b", "a&b", "tab\there", "\x00\x1f\x7f", "line\nbreak",
		"\u2028\u2029", "ab\xffc", "渋谷店", "=cmd", "~ !#$%'()*+,-./:;=?@[]^_`{|}", "\x1b[2J", "é\u0085"}
	for i, a := range texts {
		for _, b := range texts {
			r := Result{Line: i + 2, PublicID: a, Status: StatusInvalid, ShopID: b, Error: a + b}
			want, err := json.Marshal(specRowOf(r))
			if err != nil {
				t.Fatal(err)
			}
			if got := appendJSONRow(nil, r); !bytes.Equal(got, want) {
				t.Errorf("row of %q and %q:\n got %s\nwant %s", a, b, got, want)
			}
		}
	}
}

// specRow is a row of the JSON report as the spec gives it.
type specRow struct {
	Line     int     `json:"line"`
	PublicID string  `json:"public_id"`
	Status   Status  `json:"status"`
	ShopID   *string `json:"shop_id"`
	Error    *string `json:"error"`
}

func specRowOf(r Result) specRow {
	return specRow{r.Line, r.PublicID, r.Status, nullable(r.ShopID), nullable(r.Error)}
}

// The rows of earlier runs are an array of the same objects, after the rows of this file.
func TestJSONReportOfEarlierRuns(t *testing.T) {
	var out bytes.Buffer
	report, err := NewReporter(&out, "json", "org_1", false)
	if err != nil {
		t.Fatal(err)
	}
	row := Result{Line: 2, PublicID: "shibuya-01", Status: StatusCreated, ShopID: "shop_1"}
	earlier := []Result{
		{PublicID: "ueno-01", Status: StatusNeedsAttention, ShopID: "shop_9", Error: "<unsettled> & \"in doubt\""},
		{PublicID: "naha-01", Status: StatusNeedsAttention, Error: "沖縄"},
	}
	if err := report.Row(row); err != nil {
		t.Fatal(err)
	}
	if err := report.Close(&Summary{Rows: 1, Counts: map[Status]int{StatusCreated: 1}, Earlier: earlier, StopReason: "interrupted"}); err != nil {
		t.Fatal(err)
	}
	rowJSON, _ := json.Marshal(specRowOf(row))
	earlierJSON, _ := json.Marshal([]specRow{specRowOf(earlier[0]), specRowOf(earlier[1])})
	want := `{"organization_id": "org_1", "dry_run": false, "rows": [` + "\n  " + string(rowJSON) + "\n], " +
		`"earlier_runs": ` + string(earlierJSON) + `, "summary": {"created":1,"needs_attention":2}, "stop_reason": "interrupted"}` + "\n"
	if out.String() != want {
		t.Errorf("report:\n%s\nwant:\n%s", out.String(), want)
	}
}
