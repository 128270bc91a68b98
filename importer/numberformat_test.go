package importer

import "testing"

// A number format shows a date or a time when it is a built-in one of those or has a part of
// one outside quoted text, escapes and brackets; scientific notation, General and colours do not.
func TestIsDateFormat(t *testing.T) {
	builtIn := map[int]bool{0: false, 1: false, 11: false, 14: true, 22: true, 31: true, 49: false, 58: true}
	for id, want := range builtIn {
		if got := isDateFormat(id, nil); got != want {
			t.Errorf("built-in %d: %v, want %v", id, got, want)
		}
	}
	custom := map[string]bool{
		"yyyy/m/d": true, `m"月"d"日"`: true, "[$-411]ggge\"年\"m\"月\"d\"日\"": true, "h:mm AM/PM": true, "[h]:mm": true,
		"0.00E+00": false, "General": false, "[Red]0": false, "#,##0": false, `"tel "0`: false, "@": false,
		"0000000000": false, `\d0`: false, "0;[Red]-0": false, `"unclosed`: false,
	}
	for code, want := range custom {
		if got := isDateFormat(164, &code); got != want {
			t.Errorf("%q: %v, want %v", code, got, want)
		}
	}
}
