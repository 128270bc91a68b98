package importer

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/width"
)

// Column is one column of the CSV as declared by Store's struct tags.
type Column struct {
	Name     string   // English header, also the csv tag gocsv decodes by
	Label    string   // Japanese header
	Required bool     // the cell may not be empty
	Max      int      // most characters allowed; 0 when the rule sets no length
	OneOf    []string // the values allowed; nil when the rule is not a choice
	Examples []string // the template's sample values, one per sample row

	kind ruleKind
}

// Header is the column's header in lang: the Japanese label for "ja", the English name otherwise.
func (c Column) Header(lang string) string {
	if lang == LangJA {
		return c.Label
	}
	return c.Name
}

// columns is derived from Store once; a malformed tag is a programming error, so it stops the
// program at start-up instead of surfacing as a confusing row problem.
var columns = mustColumns()

// columnByKey finds a column's index by its English or Japanese header, folded with headerKey.
var columnByKey = func() map[string]int {
	m := make(map[string]int, 2*len(columns))
	for i, c := range columns {
		m[headerKey(c.Name)] = i
		m[headerKey(c.Label)] = i
	}
	return m
}()

// publicIDColumn is the index of the column that identifies a store.
var publicIDColumn = columnByKey[headerKey("public_id")]

// columnNames are the English headers in column order.
var columnNames = func() []string {
	names := make([]string, len(columns))
	for i, c := range columns {
		names[i] = c.Name
	}
	return names
}()

// Columns returns the columns in template order.
func Columns() []Column {
	return slices.Clone(columns)
}

// ExpectedHeader is the English header line, for messages that show what a header should be.
func ExpectedHeader() string {
	return strings.Join(columnNames, ",")
}

// headerKey folds a header cell so that what a spreadsheet or a Japanese IME makes of a header
// still names the column: surrounding spaces (full-width too), case and full-width letters. The '
// an errors CSV puts before a cell that starts like a formula is dropped too, as from any cell.
func headerKey(s string) string {
	return strings.ToLower(width.Fold.String(cellValue(s)))
}

func mustColumns() []Column {
	t := reflect.TypeFor[Store]()
	cols := make([]Column, 0, t.NumField())
	for i := range t.NumField() {
		c, err := columnOf(t.Field(i))
		if err != nil {
			panic(fmt.Sprintf("importer: Store.%s: %v", t.Field(i).Name, err))
		}
		if len(cols) > 0 && len(c.Examples) != len(cols[0].Examples) {
			panic(fmt.Sprintf("importer: Store.%s: %d examples, other columns have %d",
				t.Field(i).Name, len(c.Examples), len(cols[0].Examples)))
		}
		cols = append(cols, c)
	}
	return cols
}

func columnOf(f reflect.StructField) (Column, error) {
	tag := f.Tag
	c := Column{
		Name:     tag.Get("csv"),
		Label:    tag.Get("ja"),
		Required: tag.Get("required") == "true",
		Examples: strings.Split(tag.Get("example"), "|"),
	}
	if c.Name == "" || c.Label == "" {
		return c, fmt.Errorf("csv and ja tags are required")
	}
	var ok bool
	if c.kind, ok = rules[tag.Get("rule")]; !ok {
		return c, fmt.Errorf("unknown rule %q", tag.Get("rule"))
	}
	if m := tag.Get("max"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n <= 0 {
			return c, fmt.Errorf("max %q is not a positive number", m)
		}
		c.Max = n
	}
	if v := tag.Get("oneof"); v != "" {
		c.OneOf = strings.Fields(v)
	}
	return c, nil
}
