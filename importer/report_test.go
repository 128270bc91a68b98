package importer

import (
	"bytes"
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
