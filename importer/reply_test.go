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

// A column the template does not have is not read: the reply says so, or the merchant's values
// under it (extra_column.csv's phone numbers, under TEL) would be lost without a word.
func TestReplyNamesTheColumnsNotRead(t *testing.T) {
	tally := tallyOf(t, "extra_column.csv")
	want := `ファイルを確認しました。全2行とも登録できる状態ですが、次の列はテンプレートにない列のため読み込まれず、その値は登録されません:
・列「備考」
・列「TEL」
これらの値も登録が必要な場合は、テンプレートの列（店舗ID、店舗名、所在地、業種、電話番号）に移してご返送ください。不要な場合はその旨お知らせいただければ、このまま店舗の登録を進めます。`
	if got := tally.Reply(LangJA, ReplyFile{}); got != want {
		t.Errorf("reply:\n%s\nwant:\n%s", got, want)
	}
}

func TestReplyToRowsToFixNamesTheColumnsNotReadToo(t *testing.T) {
	tally := &Tally{}
	for line, status := range []Status{StatusWouldCreate, StatusInvalid} {
		row := &Row{Line: line + 2, Problems: []Problem{{Column: "name", Code: CodeRequired}}}
		if err := tally.Row(Result{Line: row.Line, Status: status, Row: row}); err != nil {
			t.Fatal(err)
		}
	}
	if err := tally.Close(&Summary{Warnings: []Warning{{Code: WarnUnnamedColumn, Index: 6}}}); err != nil {
		t.Fatal(err)
	}
	want := `We checked your file: 1 of its 2 rows need fixing before we can register the stores.

What needs fixing:
- a required cell is empty: 1

Also, these columns are not ones the template has and were not read, so their values would not be registered:
- column 6, which has no header
If those values should be registered, please move them into the template's columns (public_id, name, location, industry, phone) too before you send the file back.

The attached file e.csv lists only those rows, each with what to change in its last column, "error".
Please fix those rows in that file, keep its columns in the same order and save it in the same format and encoding, then send it back to us (the "error" column may stay).`
	if got := tally.Reply(LangEN, ReplyFile{Name: "e.csv"}); got != want {
		t.Errorf("reply:\n%s\nwant:\n%s", got, want)
	}
}
