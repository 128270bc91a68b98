package importer

import (
	"reflect"
	"testing"
)

func TestColumnsComeFromStoreTags(t *testing.T) {
	type want struct {
		name, label string
		required    bool
	}
	wants := []want{
		{"public_id", "店舗ID", true},
		{"name", "店舗名", true},
		{"location", "所在地", true},
		{"industry", "業種", true},
		{"phone", "電話番号", false},
	}
	cols := Columns()
	if len(cols) != len(wants) {
		t.Fatalf("got %d columns, want %d", len(cols), len(wants))
	}
	for i, w := range wants {
		c := cols[i]
		if c.Name != w.name || c.Label != w.label || c.Required != w.required {
			t.Errorf("column %d = %s %s %v, want %+v", i, c.Name, c.Label, c.Required, w)
		}
	}
	if got := cols[3].OneOf; !reflect.DeepEqual(got, []string{"restaurant", "hair_salon", "beauty", "clinic", "fitness", "school", "other"}) {
		t.Errorf("industries = %v", got)
	}
	if got := ExpectedHeader(); got != "public_id,name,location,industry,phone" {
		t.Errorf("ExpectedHeader() = %q", got)
	}
	cols[0].Name = "changed"
	if Columns()[0].Name != "public_id" {
		t.Error("Columns() hands out the table itself")
	}
}

// The template's examples must pass the rules they illustrate, which also catches a rule tag
// missing its parameters.
func TestExamplesPassTheirRules(t *testing.T) {
	for _, c := range Columns() {
		if len(c.Examples) < 3 {
			t.Errorf("%s has %d examples, want at least 3", c.Name, len(c.Examples))
		}
		for _, ex := range c.Examples {
			if got, problems := c.check(ex); len(problems) > 0 || got != ex {
				t.Errorf("%s example %q: %q %v", c.Name, ex, got, problems)
			}
		}
	}
}

func TestHeaderKey(t *testing.T) {
	for _, in := range []string{"public_id", "PUBLIC_ID", " Public_Id ", "\u3000public_id\u3000", "ｐｕｂｌｉｃ＿ｉｄ", "店舗ID", "店舗ＩＤ", " 店舗id"} {
		if i, ok := columnByKey[headerKey(in)]; !ok || columns[i].Name != "public_id" {
			t.Errorf("header %q does not name public_id", in)
		}
	}
	for _, in := range []string{"publicid", "public id", "店舗", ""} {
		if i, ok := columnByKey[headerKey(in)]; ok {
			t.Errorf("header %q names %s", in, columns[i].Name)
		}
	}
}

func TestColumnOfRejectsBadTags(t *testing.T) {
	type bad struct {
		NoLabel  string `csv:"a" rule:"text" max:"3"`
		BadRule  string `csv:"b" ja:"b" rule:"nope"`
		BadMax   string `csv:"c" ja:"c" rule:"text" max:"x"`
		Negative string `csv:"d" ja:"d" rule:"text" max:"-1"`
	}
	rt := reflect.TypeFor[bad]()
	for i := range rt.NumField() {
		if _, err := columnOf(rt.Field(i)); err == nil {
			t.Errorf("%s: no error", rt.Field(i).Name)
		}
	}
}
