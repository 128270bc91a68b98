package bench

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// baselineID is the public_id rule, as the README states it.
var baselineID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{2,62}$`)

var baselineIndustries = map[string]bool{
	"restaurant": true, "hair_salon": true, "beauty": true, "clinic": true, "fitness": true, "school": true, "other": true,
}

// Baseline reads a UTF-8 store file with a plain encoding/csv reader and applies the checks
// validate makes, the way a straightforward program would: a record of blank cells is skipped; a
// record must have as many cells as the header, each valid UTF-8 without a NUL byte and at most
// 64 KiB; then the column rules: trim, required cells, the public_id regexp, name and location
// lengths in characters, no control character in the name, the industry set, a phone of 10 or 11
// digits starting with 0 with optional hyphens, spaces and parentheses (full-width digits
// accepted), and a public_id on more than one
// line makes every such line invalid (a map of the ids seen, as a plain program keeps). It is what
// validate is compared with: no encoding detection, no report. It returns the rows read and how
// many of them break a rule.
func Baseline(path string) (rows, invalid int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return 0, 0, fmt.Errorf("reading the header of %s: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	id, name, loc, ind, phone := col["public_id"], col["name"], col["location"], col["industry"], col["phone"]
	seen := map[string]bool{} // public_id -> whether its first line counted as valid so far
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, invalid, nil
		}
		if err != nil {
			return rows, invalid, err
		}
		if baselineBlank(rec) {
			continue
		}
		rows++
		if !baselineCellsOK(rec, len(header)) {
			invalid++
			continue
		}
		publicID := strings.TrimSpace(rec[id])
		ok := baselineRowOK(publicID, strings.TrimSpace(rec[name]), strings.TrimSpace(rec[loc]),
			strings.TrimSpace(rec[ind]), strings.TrimSpace(rec[phone]))
		first, again := seen[publicID]
		switch {
		case !again:
			seen[publicID] = ok // a first line that was valid turns invalid if the id comes again
		case first:
			seen[publicID] = false
			invalid++ // the first line
		}
		if !ok || again {
			invalid++
		}
	}
}

func baselineBlank(rec []string) bool {
	for _, cell := range rec {
		if strings.TrimSpace(cell) != "" {
			return false
		}
	}
	return true
}

func baselineCellsOK(rec []string, cells int) bool {
	if len(rec) != cells {
		return false
	}
	for _, cell := range rec {
		if len(cell) > 64<<10 || strings.IndexByte(cell, 0) >= 0 || !utf8.ValidString(cell) {
			return false
		}
	}
	return true
}

func baselineRowOK(id, name, loc, industry, phone string) bool {
	ok := baselineID.MatchString(id)
	if n := utf8.RuneCountInString(name); n == 0 || n > 100 || strings.ContainsFunc(name, unicode.IsControl) {
		ok = false
	}
	if n := utf8.RuneCountInString(loc); n == 0 || n > 200 {
		ok = false
	}
	if !baselineIndustries[strings.ToLower(industry)] {
		ok = false
	}
	if phone != "" && !baselinePhoneOK(phone) {
		ok = false
	}
	return ok
}

// baselinePhoneOK accepts 10 or 11 digits starting with 0, hyphens, spaces and parentheses
// between them dropped.
func baselinePhoneOK(v string) bool {
	digits := 0
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9', r >= '０' && r <= '９':
			if digits == 0 && r != '0' && r != '０' {
				return false
			}
			digits++
		case strings.ContainsRune("-－ー−‐ ()（）　", r):
		default:
			return false
		}
	}
	return digits >= 10 && digits <= 11
}
