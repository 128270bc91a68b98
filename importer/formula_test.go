package importer

import "testing"

func TestEscapeFormula(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=SUM(A1:A2)", "'=SUM(A1:A2)"},
		{"+81312345678", "'+81312345678"},
		{"-1", "'-1"},
		{"@cmd", "'@cmd"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"", ""},
		{"渋谷店", "渋谷店"},
		{"03-1234-5678", "03-1234-5678"},
		{"a=b", "a=b"},
		{"'=already", "'=already"},
		{" =x", " =x"},
	}
	for _, tt := range tests {
		got := EscapeFormula(tt.in)
		if got != tt.want {
			t.Errorf("EscapeFormula(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if back := unescapeFormula(got); back != tt.in && tt.in != "'=already" {
			t.Errorf("unescapeFormula(%q) = %q, want %q", got, back, tt.in)
		}
	}
	for _, in := range []string{"'", "'abc", "''=x", "it's"} {
		if got := unescapeFormula(in); got != in {
			t.Errorf("unescapeFormula(%q) = %q, want it unchanged", in, got)
		}
	}
}
