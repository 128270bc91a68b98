package importer

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
)

// tallyOf dry-runs a merchant's file as validate does and tallies its report.
func tallyOf(t *testing.T, file string) *Tally {
	t.Helper()
	tally := &Tally{}
	job := Job{
		OrganizationID: "org_1",
		Path:           filepath.Join("..", "testdata", "merchant", file),
		Encoding:       EncodingAuto,
		Lang:           LangJA,
		Clock:          SystemClock{},
		Report:         tally,
		Log:            slog.New(slog.DiscardHandler),
	}
	if _, err := DryRun(context.Background(), job, nil); err != nil {
		t.Fatal(err)
	}
	return tally
}

func TestReplyCountsTheKindsOfMistake(t *testing.T) {
	tally := tallyOf(t, "mistakes.csv")
	if tally.Invalid() != 10 {
		t.Errorf("invalid rows: got %d, want 10", tally.Invalid())
	}
	want := `ファイルを確認しました。全15行のうち10行に、登録の前に修正していただきたい箇所があります。

修正が必要な内容:
・電話番号の形式が正しくない: 3件
・必須項目が空欄: 2件
・指定の選択肢にない値が入っている: 2件
・同じ店舗IDが複数の行にある: 2件
・店舗IDの形式が正しくない: 1件

添付のファイル「mistakes_errors.csv」には修正が必要な行だけを載せており、各行の最後の「error」列に直し方を記載しています。
お手数ですが、このファイルの該当行を修正し、列の並びと文字コードは変えずに保存して、ご返送ください（「error」列は残したままで構いません）。`
	if got := tally.Reply(LangJA, ReplyFile{Name: "mistakes_errors.csv"}); got != want {
		t.Errorf("reply:\n%s\nwant:\n%s", got, want)
	}
	wantEN := `We checked your file: 10 of its 15 rows need fixing before we can register the stores.

What needs fixing:
- a phone number is not a Japanese phone number: 3
- a required cell is empty: 2
- a value is not one of the allowed choices: 2
- the same store ID is on more than one line: 2
- a store ID is not in the form IDs take: 1

The attached file mistakes_errors.xlsx lists only those rows, each with what to change in its last column, "error".
Please fix those rows in that file, keep its columns in the same order and save it as an Excel workbook (.xlsx), then send it back to us (the "error" column may stay).`
	if got := tally.Reply(LangEN, ReplyFile{Name: "mistakes_errors.xlsx", Workbook: true}); got != wantEN {
		t.Errorf("reply:\n%s\nwant:\n%s", got, wantEN)
	}
}

func TestReplyToACleanFile(t *testing.T) {
	tally := tallyOf(t, "utf8.csv")
	want := "ファイルを確認しました。全3行とも問題はありませんでしたので、このまま店舗の登録を進めます。"
	if got := tally.Reply(LangJA, ReplyFile{}); got != want {
		t.Errorf("reply: got %q, want %q", got, want)
	}
}

func TestReplyCountsAPhoneASpreadsheetChangedOnce(t *testing.T) {
	tally := tallyOf(t, "spreadsheet_phone.csv")
	got := tally.Reply(LangEN, ReplyFile{Name: "e.csv"})
	want := "- a phone number the spreadsheet turned into a number or a date (its leading 0 lost): 4\n"
	if !strings.Contains(got, want) {
		t.Errorf("reply:\n%s\nwant a line %q", got, want)
	}
}
