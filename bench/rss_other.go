//go:build !linux

package bench

import "os"

// peakRSSKiB is unknown (-1) off Linux, where ru_maxrss is not in KiB or not there at all.
func peakRSSKiB(*os.ProcessState) int64 { return -1 }
