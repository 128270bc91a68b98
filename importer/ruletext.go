package importer

import (
	"fmt"
	"strings"
)

// Rule says in lang what the column takes: whether it is required, and what its rule allows. The
// workbook template shows it on each header cell and on its instructions sheet; the problems a
// value can have are worded from the same phrases (idRule, phoneRule), so the template never
// promises other than what validate checks.
func (c Column) Rule(lang string) string {
	ja := lang == LangJA
	need := pick(ja, "optional", "任意")
	if c.Required {
		need = pick(ja, "required", "必須")
	}
	return need + pick(ja, "; ", "。") + c.kind.text(&c, ja)
}

// idRule states checkID in words.
var idRule = message{
	"3 to 63 lowercase letters (a-z), digits or hyphens, starting with a letter or digit",
	"半角英小文字・数字・ハイフンの3～63文字で、先頭は英小文字か数字",
}

// idText: a public_id also names its store, so one may stand on one line of the file only.
func idText(_ *Column, ja bool) string {
	return pick(ja, idRule.en+"; each on one row only", idRule.ja+"。同じIDは1行だけ")
}

func textText(c *Column, ja bool) string {
	return pick(ja, fmt.Sprintf("at most %d characters", c.Max), fmt.Sprintf("%d文字以内", c.Max))
}

func lineText(c *Column, ja bool) string {
	return textText(c, ja) + pick(ja, ", on one line (no tab or line break)", "、1行で（タブ・改行なし）")
}

func oneOfText(c *Column, ja bool) string {
	list := strings.Join(c.OneOf, ", ")
	return pick(ja, "one of "+list, "次のいずれか（半角英字）: "+list)
}

func phoneText(_ *Column, ja bool) string {
	return pick(ja, phoneRule.en, phoneRule.ja)
}
