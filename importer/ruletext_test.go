package importer

import (
	"strings"
	"testing"
	"unicode/utf16"
)

func TestColumnRule(t *testing.T) {
	want := map[string][2]string{
		"public_id": {"required; 3 to 63 lowercase letters (a-z), digits or hyphens, starting with a letter or digit; each on one row only",
			"必須。半角英小文字・数字・ハイフンの3～63文字で、先頭は英小文字か数字。同じIDは1行だけ"},
		"name":     {"required; at most 100 characters, on one line (no tab or line break)", "必須。100文字以内、1行で（タブ・改行なし）"},
		"location": {"required; at most 200 characters", "必須。200文字以内"},
		"industry": {"required; one of restaurant, hair_salon, beauty, clinic, fitness, school, other",
			"必須。次のいずれか（半角英字）: restaurant, hair_salon, beauty, clinic, fitness, school, other"},
		"phone": {"optional; 10 or 11 digits starting with 0, hyphens optional", "任意。0で始まる10桁または11桁の数字、ハイフン可"},
	}
	for _, c := range Columns() {
		for i, lang := range []string{LangEN, LangJA} {
			got := c.Rule(lang)
			if got != want[c.Name][i] {
				t.Errorf("%s in %s: %q, want %q", c.Name, lang, got, want[c.Name][i])
			}
			// Excel shows at most 255 characters (UTF-16 units) of a cell's input message.
			if n := len(utf16.Encode([]rune(got))); n > 255 {
				t.Errorf("%s in %s: %d characters, more than an input message holds", c.Name, lang, n)
			}
		}
	}
}

// What a rule says and what its problem says are one phrase: the template cannot promise other
// than what validate holds a value to. (A length and a choice's list come from the tag.)
func TestColumnRuleAgreesWithItsProblems(t *testing.T) {
	for _, tt := range []struct {
		column, bad string
		phrase      message
	}{
		{"public_id", "Bad ID", idRule},
		{"phone", "03-12", phoneRule},
	} {
		c := column(t, tt.column)
		_, problems := c.check(tt.bad)
		if len(problems) != 1 {
			t.Fatalf("%s %q: %v", tt.column, tt.bad, problems)
		}
		for _, lang := range []string{LangEN, LangJA} {
			phrase := pick(lang == LangJA, tt.phrase.en, tt.phrase.ja)
			if rule, msg := c.Rule(lang), problems[0].Render(lang); !strings.Contains(rule, phrase) || !strings.Contains(msg, phrase) {
				t.Errorf("%s in %s: the rule %q and the problem %q do not share %q", tt.column, lang, rule, msg, phrase)
			}
		}
	}
}
