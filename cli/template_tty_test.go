//go:build linux

package cli

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// A workbook written to a terminal would garble it: without -o, the workbook template is
// refused there, while the CSV template, which is text, is still shown.
func TestTemplateWorkbookIsNotWrittenToATerminal(t *testing.T) {
	tty := openPseudoTerminal(t)
	var stderr bytes.Buffer
	streams := Streams{In: strings.NewReader(""), Out: tty, Err: &stderr}
	if code := Main([]string{"template", "--format", "xlsx"}, streams); code != exitUsage || !strings.Contains(stderr.String(), "-o PATH") {
		t.Errorf("a workbook to a terminal: exit %d, %q", code, stderr.String())
	}
	stderr.Reset()
	if code := Main([]string{"template"}, streams); code != 0 {
		t.Errorf("the CSV template to a terminal: exit %d, %q", code, stderr.String())
	}
}

// openPseudoTerminal opens the terminal end of a new pseudo-terminal, as a shell's stdout is.
func openPseudoTerminal(t *testing.T) *os.File {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	t.Cleanup(func() { ptmx.Close() })
	if err := unix.IoctlSetPointerInt(int(ptmx.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlocking the pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(int(ptmx.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("numbering the pseudo-terminal: %v", err)
	}
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("opening the pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { tty.Close() })
	return tty
}
