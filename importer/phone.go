package importer

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// phoneRule states the phone rule in words, for the messages that refuse a number and for the
// template that asks for one.
var phoneRule = message{
	"10 or 11 digits starting with 0, hyphens optional",
	"0で始まる10桁または11桁の数字、ハイフン可",
}

// retypePhone is what the merchant does about a number a spreadsheet changed: a cell formatted as
// text, or a number with hyphens, which no spreadsheet reads as a number, keeps what is typed.
var retypePhone = message{
	"format the column as text (文字列) or keep the hyphens, and type the number again",
	"列の表示形式を「文字列」にするか、ハイフンを付けて、番号を入力し直してください",
}

// checkPhone accepts a Japanese domestic number as it is typed: once full-width digits are folded
// and hyphens (an IME's look-alikes too), spaces and parentheses dropped, a 0 and 9 or 10 more
// digits. It stores the value as typed, in ASCII, and never repairs it: a number without its 0 may
// be the merchant's mistake as well as the spreadsheet's, and only the merchant knows which.
// Digits alone that do not start with 0 are what a spreadsheet leaves of a number typed in a cell
// that is not text, and are told so; with a separator the cell was text, and the 0 never typed.
func checkPhone(_ *Column, v string) (string, []Problem) {
	digits, first, separated, ascii := 0, rune(0), false, true
	for _, r := range v {
		ascii = ascii && r < utf8.RuneSelf
		switch r = asciiPhoneRune(r); {
		case r >= '0' && r <= '9':
			if digits == 0 {
				first = r
			}
			digits++
		case r == '-' || r == ' ' || r == '(' || r == ')':
			separated = true
		default:
			return v, phoneProblem(v, CodeBadPhone)
		}
	}
	switch {
	case digits > 0 && first != '0' && !separated:
		return v, phoneProblem(v, CodePhoneNoLeadingZero)
	case first != '0' || digits < 10 || digits > 11:
		return v, phoneProblem(v, CodeBadPhone)
	case ascii:
		return v, nil
	}
	return strings.Map(asciiPhoneRune, v), nil
}

// phoneCell is what the phone rule says of a workbook's phone cell that holds a number or a
// date (see Column.notText): a date is one the spreadsheet made of what was typed, and a number
// gets the message a CSV would get for the digits it shows, when that message is one about what a
// spreadsheet does (a leading 0 dropped, scientific notation); a number that shows as a phone
// number, or as something else, is only not text.
func phoneCell(v string, kind cellKind) (Code, bool) {
	switch kind {
	case kindDate:
		return CodePhoneDate, true
	case kindNumber:
		if isDigits(v) && len(v) > phoneMaxDigits {
			// More digits than a phone number has: a spreadsheet shows such a number in scientific
			// notation, and keeps only 15 of its digits, so what the merchant typed is lost.
			return CodePhoneScientific, true
		}
		if _, problems := checkPhone(nil, v); len(problems) == 1 && problems[0].Code != CodeBadPhone {
			return problems[0].Code, true
		}
	}
	return "", false
}

// phoneMaxDigits is the most digits a Japanese phone number has.
const phoneMaxDigits = 11

func isDigits(v string) bool {
	if v == "" {
		return false
	}
	for _, r := range v {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// asciiPhoneRune folds what a Japanese IME types in a phone number to ASCII: full-width digits,
// parentheses and spaces, and the hyphen's look-alikes (the long vowel mark, the minus sign, dashes).
func asciiPhoneRune(r rune) rune {
	switch {
	case r >= '０' && r <= '９':
		return '0' + r - '０'
	case strings.ContainsRune("‐‑‒–—―−⁃﹘﹣－ーｰ", r):
		return '-'
	case r == '（':
		return '('
	case r == '）':
		return ')'
	case r == '\u3000':
		return ' '
	}
	return r
}

// phoneProblem refuses v with code, or, when v is what a spreadsheet shows of a number or a date it
// made of the cell, with the code that says so: the merchant then knows to retype the number as
// text rather than to look for a wrong digit.
func phoneProblem(v string, code Code) []Problem {
	switch f := width.Fold.String(v); {
	case spreadsheetScientific.MatchString(f):
		code = CodePhoneScientific
	case spreadsheetDate.MatchString(f):
		code = CodePhoneDate
	}
	return []Problem{{Code: code, Value: v}}
}

// What a spreadsheet writes for a cell it took for a number or a date, in the usual locales'
// formats, once full-width characters are folded. No phone number matches them (each has a letter,
// a slash, a colon or at most 8 digits), and they are tried only on a value already refused.
var (
	// 9.01235E+09, 9.01235e+09, and 9,01235E+09 where the decimal mark is a comma.
	spreadsheetScientific = regexp.MustCompile(`^[0-9]+([.,][0-9]+)?[eE][+-]?[0-9]{1,3}$`)
	// 2025/1/15 and 2025-01-15 (Japan, ISO), 1/15 and 1/15/2025 (the US), 1月15日, 2025年1月15日
	// and 令和7年1月15日, 15-Jan, 15-Jan-25 and Jan-25; the first two with a time, as a date cell
	// formatted with one is written.
	spreadsheetDate = regexp.MustCompile(`^(?i:` +
		`[12][0-9]{3}[/-][0-9]{1,2}[/-][0-9]{1,2}( [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?` +
		`|[0-9]{1,2}/[0-9]{1,2}(/[0-9]{2,4})?( [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?)?` +
		`|([^0-9]{0,2}[0-9]{1,4}年)?[0-9]{1,2}月([0-9]{1,2}日)?` +
		`|[0-9]{1,2}[- ]` + months + `([- ][0-9]{2,4})?` +
		`|` + months + `[- ][0-9]{2,4}` +
		`)$`)
)

const months = `(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)`
