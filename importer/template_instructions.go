package importer

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// What the workbook template's instructions sheet says, besides each column's rule.
var (
	msgInstructionsTitle = message{"How to fill in the store list", "店舗一覧の記入方法"}
	msgColumnHeading     = message{"column", "列"}
	msgRuleHeading       = message{"what it takes", "記入する内容"}
	msgStepsHeading      = message{"Filling it in and sending it back", "記入と返送"}
	msgStepRows          = message{
		`Fill in the sheet "%s" from row 2, one row per store. Leave row 1 (the column names) as it is.`,
		"「%s」シートの2行目から、1店舗につき1行ずつ記入してください。1行目（列名）は変更しないでください。",
	}
	msgStepText = message{
		"Every cell there is formatted as text (文字列), so that a phone number keeps its leading 0: type the values, or paste them as values only, and leave the cells' format as it is.",
		"電話番号の先頭の0が消えないよう、すべてのセルの表示形式を「文字列」にしてあります。値は入力するか「値の貼り付け」で貼り付け、セルの表示形式は変更しないでください。",
	}
	msgStepIndustry = message{
		"Choose the industry from the cell's drop-down list.",
		"業種はセルのドロップダウンリストから選んでください。",
	}
	msgStepExamples = message{
		"Rows 2 to %d are samples: type over them with your stores, or delete them.",
		"2～%d行目は見本です。お店の情報で上書きするか、削除してください。",
	}
	msgStepSend = message{
		"Save the workbook as it is (.xlsx) and send it back.",
		"記入が終わったら、このファイルを .xlsx 形式のまま保存して返送してください。",
	}
)

// writeInstructionsSheet makes the workbook's second sheet: each column's rule, as the input
// messages of the first sheet's header state it, and how to fill in the sheet and send it back.
func writeInstructionsSheet(f *excelize.File, opts TemplateOptions) error {
	sheet := instructionsSheet.in(opts.Lang)
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	lines, headings := instructionLines(opts)
	for i, line := range lines {
		if err := f.SetSheetRow(sheet, cellName(0, i+1), &line); err != nil {
			return err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for _, i := range headings {
		if err := f.SetCellStyle(sheet, cellName(0, i+1), cellName(1, i+1), bold); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(sheet, "A", "A", 16); err != nil {
		return err
	}
	return f.SetColWidth(sheet, "B", "B", instructionsRuleWidth(opts.Lang))
}

// instructionLines are the instructions sheet's rows in opts.Lang: a title, the table of columns
// and rules, and the steps; headings are the indexes of the lines set in bold.
func instructionLines(opts TemplateOptions) (lines [][]string, headings []int) {
	lang := opts.Lang
	lines = [][]string{{msgInstructionsTitle.in(lang)}, {}, {msgColumnHeading.in(lang), msgRuleHeading.in(lang)}}
	headings = []int{0, 2}
	for _, c := range columns {
		lines = append(lines, []string{c.Header(lang), c.Rule(lang)})
	}
	steps := []string{msgStepRows.in(lang, storesSheet.in(lang)), msgStepText.in(lang), msgStepIndustry.in(lang)}
	if opts.Example {
		steps = append(steps, msgStepExamples.in(lang, len(columns[0].Examples)+1))
	}
	steps = append(steps, msgStepSend.in(lang))
	lines = append(lines, []string{}, []string{msgStepsHeading.in(lang)})
	headings = append(headings, len(lines)-1)
	for i, step := range steps {
		lines = append(lines, []string{fmt.Sprintf("%d. %s", i+1, step)})
	}
	return lines, headings
}

// instructionsRuleWidth fits the longest rule.
func instructionsRuleWidth(lang string) float64 {
	widest := 0
	for _, c := range columns {
		widest = max(widest, displayWidth(c.Rule(lang)))
	}
	return float64(widest + 2)
}
