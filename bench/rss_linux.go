package bench

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// watchPeakRSS follows a running child's VmHWM, the high-water mark of the memory it has mapped
// since its exec, until stop is closed, and returns it in KiB (-1 if it could not be read).
//
// The child's ru_maxrss would not do: os/exec starts children with clone(CLONE_VM), and Linux then
// carries the parent's own high-water mark into the child's at exec, so a bench process that once
// held a large map would make every child it starts look as large. For the same reason samples
// taken before the exec (while the child still shares the parent's memory) are ignored: the
// process must already bear the name of bin.
func watchPeakRSS(pid int, bin string, stop <-chan struct{}) <-chan int64 {
	peak := make(chan int64, 1)
	go func() {
		best := int64(-1)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			// Right after the exec the new image may have no page yet: 0 is no peak.
			if kib, err := vmHWM(pid, bin); err == nil && kib > 0 {
				best = max(best, kib)
			}
			select {
			case <-stop:
				peak <- best
				return
			case <-tick.C:
			}
		}
	}()
	return peak
}

func vmHWM(pid int, bin string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	name := filepath.Base(bin)
	name = name[:min(len(name), 15)] // the kernel keeps 15 bytes of a process's name
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		line := lines.Text()
		if got, ok := strings.CutPrefix(line, "Name:"); ok && strings.TrimSpace(got) != name {
			return 0, fmt.Errorf("process %d is not %s yet", pid, name)
		}
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}
