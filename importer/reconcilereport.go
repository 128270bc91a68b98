package importer

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// NeedsPerson reports whether any finding is still unresolved.
func NeedsPerson(findings []Finding) bool {
	for _, f := range findings {
		if f.NeedsPerson {
			return true
		}
	}
	return false
}

// WriteFindings writes reconcile's report in format (table or json).
func WriteFindings(w io.Writer, format, organizationID string, fix bool, findings []Finding) error {
	counts := map[FindingKind]int{}
	for _, f := range findings {
		counts[f.Kind]++
	}
	switch format {
	case "json":
		return writeFindingsJSON(w, organizationID, fix, findings, counts)
	case "table":
		return writeFindingsTable(w, findings, counts)
	}
	return fmt.Errorf("reconcile reports as table or json, not %q", format)
}

type jsonFinding struct {
	Kind        FindingKind `json:"kind"`
	ShopID      *string     `json:"shop_id"`
	PublicID    *string     `json:"public_id"`
	Detail      string      `json:"detail"`
	Action      *string     `json:"action"`
	NeedsPerson bool        `json:"needs_person"`
}

func writeFindingsJSON(w io.Writer, organizationID string, fix bool, findings []Finding, counts map[FindingKind]int) error {
	doc := struct {
		OrganizationID string              `json:"organization_id"`
		Fix            bool                `json:"fix"`
		Consistent     bool                `json:"consistent"`
		Findings       []jsonFinding       `json:"findings"`
		Summary        map[FindingKind]int `json:"summary"`
	}{OrganizationID: organizationID, Fix: fix, Consistent: !NeedsPerson(findings), Findings: []jsonFinding{}, Summary: counts}
	for _, f := range findings {
		doc.Findings = append(doc.Findings, jsonFinding{f.Kind, nullable(f.ShopID), nullable(f.PublicID), f.Detail, nullable(f.Action), f.NeedsPerson})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

const findingRow = "%-16s %-14s %-24s %s\n"

func writeFindingsTable(w io.Writer, findings []Finding, counts map[FindingKind]int) error {
	var b strings.Builder
	if len(findings) > 0 {
		fmt.Fprintf(&b, findingRow, "KIND", "SHOP_ID", "PUBLIC_ID", "DETAIL")
	}
	for _, f := range findings {
		detail := f.Detail
		if f.Action != "" {
			detail = f.Action + ": " + detail
		} else if f.NeedsPerson {
			detail = "needs a person: " + detail
		}
		fmt.Fprintf(&b, findingRow, f.Kind, orDash(f.ShopID), orDash(f.PublicID), detail)
	}
	var parts []string
	for kind, n := range counts {
		parts = append(parts, fmt.Sprintf("%d %s", n, kind))
	}
	sort.Strings(parts)
	state := "consistent"
	if NeedsPerson(findings) {
		state = "something needs a person"
	}
	if len(parts) == 0 {
		parts = append(parts, "no findings")
	}
	fmt.Fprintf(&b, "%s: %s\n", strings.Join(parts, ", "), state)
	_, err := io.WriteString(w, b.String())
	return err
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
