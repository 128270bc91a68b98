package importer

import (
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
)

func TestDuplicateNamesAFewOtherLines(t *testing.T) {
	onLines := func(lines ...int) idLines {
		var on idLines
		for _, line := range lines {
			on.add(line)
		}
		return on
	}
	many := make([]int, 1004)
	for i := range many {
		many[i] = i + 2
	}
	tests := []struct {
		on     idLines
		line   int
		en, ja string
	}{
		{onLines(2, 9), 2, "(also on line 9);", "（9 行目にもあります）"},
		{onLines(2, 5, 9), 5, "(also on lines 2, 9);", "（2, 9 行目にもあります）"},
		{onLines(2, 3, 4, 5), 3, "(also on lines 2, 4, 5);", "（2, 4, 5 行目にもあります）"},
		{onLines(2, 3, 4, 5, 7), 7, "(also on lines 2, 3, 4 and 1 more);", "（2, 3, 4 行目ほか 1 行にもあります）"},
		{onLines(2, 3, 4, 5, 7), 2, "(also on lines 3, 4, 5 and 1 more);", "（3, 4, 5 行目ほか 1 行にもあります）"},
		{onLines(many...), 500, "(also on lines 2, 3, 4 and 1,000 more);", "（2, 3, 4 行目ほか 1,000 行にもあります）"},
	}
	enc := japanese.ShiftJIS.NewEncoder()
	for _, tt := range tests {
		plan := &Plan{duplicates: map[string]idLines{"a-1": tt.on}, idHeader: "店舗ID"}
		row := &Row{Line: tt.line, Store: Store{PublicID: "a-1"}}
		dup, ok := plan.duplicate(row)
		if !ok {
			t.Fatalf("line %d of %v: not a duplicate", tt.line, tt.on)
		}
		en, ja := dup.Render(LangEN), dup.Render(LangJA)
		if !strings.HasPrefix(en, `店舗ID: "a-1" appears more than once in the file `) || !strings.HasPrefix(ja, `店舗ID: "a-1" がファイル内で重複しています`) {
			t.Errorf("line %d of %v: %q and %q do not name the column and the id first", tt.line, tt.on, en, ja)
		}
		if !strings.Contains(en, tt.en) || !strings.Contains(ja, tt.ja) {
			t.Errorf("line %d of %v: %q and %q, want %q and %q", tt.line, tt.on, en, ja, tt.en, tt.ja)
		}
		if _, err := enc.String(ja); err != nil {
			t.Errorf("%q is not Shift_JIS, which an errors CSV may be written in: %v", ja, err)
		}
	}
	if got, ok := (&Plan{}).duplicate(&Row{Line: 2, Store: Store{PublicID: "a-1"}}); ok {
		t.Errorf("an id on one line is reported as a duplicate: %q", got)
	}
	long := strings.Repeat("a", 63)
	plan := &Plan{duplicates: map[string]idLines{long: {first: [4]int{2, 3}, count: 2}}, idHeader: "public_id"}
	if dup, _ := plan.duplicate(&Row{Line: 2, Store: Store{PublicID: long}}); !strings.Contains(dup.Render(LangEN), strconv.Quote(long)) {
		t.Errorf("a long id is shortened in %q: the merchant looks for it as it is", dup.Render(LangEN))
	}
}
