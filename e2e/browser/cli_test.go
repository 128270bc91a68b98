package browser

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// org is the organization that the tests check files for, on the page and with validate.
const org = "org_browser"

// cli runs storeimport with the arguments and returns its stdout, stderr and exit code.
func cli(t *testing.T, args ...string) (stdout, stderr []byte, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("storeimport %q: %v", args, err)
	}
	return out.Bytes(), errOut.Bytes(), code
}

// validate is the command line's verdict on a file: `validate --format csv` offline, in lang,
// with the extra flags given. Its lines are keyed by line number.
func validate(t *testing.T, lang, file string, extra ...string) map[string]report {
	t.Helper()
	args := validateArgs(t, lang, file, extra...)
	out, stderr, code := cli(t, args...)
	if code > 1 {
		t.Fatalf("storeimport %q: exit %d: %s", args, code, stderr)
	}
	records, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil || len(records) < 1 || strings.Join(records[0], ",") != "line,public_id,status,shop_id,error" {
		t.Fatalf("validate --format csv printed no report (%v):\n%s", err, out)
	}
	byLine := make(map[string]report)
	for _, r := range records[1:] {
		byLine[r[0]] = report{publicID: r[1], status: r[2], errors: r[4]}
	}
	return byLine
}

// validateArgs are the arguments of an offline `validate --format csv` of the file, in lang.
func validateArgs(t *testing.T, lang, file string, extra ...string) []string {
	args := append([]string{"validate", "--lang", lang, "--format", "csv", "--org", org,
		"--db", filepath.Join(t.TempDir(), "none.db")}, extra...)
	return append(args, file)
}

// refusal is the message with which the command line refuses to check the file at all (exit 2:
// a file it cannot read, an organization the platform does not know), in lang; the extra flags
// come after validate's own, and so win over them.
func refusal(t *testing.T, lang, file string, extra ...string) string {
	t.Helper()
	args := append([]string{"validate", "--lang", lang, "--org", org,
		"--db", filepath.Join(t.TempDir(), "none.db")}, extra...)
	_, stderr, code := cli(t, append(args, file)...)
	msg, ok := strings.CutPrefix(strings.TrimSpace(string(stderr)), "storeimport: ")
	if code != 2 || !ok || strings.Contains(msg, "\n") {
		t.Fatalf("storeimport %q: exit %d, stderr %q, want exit 2 and one line of error", args, code, stderr)
	}
	return msg
}

// report is one row of the command line's report, or the page's rows of one line put together
// the same way: its problems rendered "column: message" and joined with "; ".
type report struct {
	publicID, status, errors string
}
