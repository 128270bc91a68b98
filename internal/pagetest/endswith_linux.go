package pagetest

import (
	"os/exec"
	"syscall"
)

// endsWithTheTests has the process killed should the test binary itself be killed (go test's
// -timeout), which leaves no time for cleanups.
func endsWithTheTests(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
