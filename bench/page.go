package bench

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
)

// PageRun is a file checked through the support page of a running storeimport serve, against
// validate of the same file in the same run.
type PageRun struct {
	Rows, Invalid int
	Bytes         int64
	Page          time.Duration // from the upload's first byte to the result page with its summary
	ServerRSS     int64         // the serve process's peak, KiB; -1 when unknown
	Validate      ChildRun
}

// Ratio is the page's time ÷ validate's.
func (p PageRun) Ratio() float64 { return p.Page.Seconds() / p.Validate.Wall.Seconds() }

// writePage is the table's section on the support page.
func writePage(b *strings.Builder, runs []PageRun) {
	fmt.Fprintf(b, "\n6. The support page: a generated UTF-8 file uploaded to the built storeimport serve (loopback, no endpoint),\n")
	fmt.Fprintf(b, "   timed from the upload to the result page with its summary; validate --format csv of the same file in the\n")
	fmt.Fprintf(b, "   same run; ratio = page s / validate s; peak RSS is the serve process's (VmHWM)\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "rows\tfile\tinvalid\tpage s\tvalidate s\tratio\tserver peak RSS\t")
	ratioOK, rssOK := true, true
	for _, p := range runs {
		fmt.Fprintf(tw, "%s\t%.1f MiB\t%s\t%.2f\t%.2f\t%.2f\t%.1f MiB\t\n", thousands(p.Rows), float64(p.Bytes)/(1<<20),
			thousands(p.Invalid), p.Page.Seconds(), p.Validate.Wall.Seconds(), p.Ratio(), float64(p.ServerRSS)/1024)
		ratioOK = ratioOK && p.Ratio() <= 2
		rssOK = rssOK && p.ServerRSS >= 0 && p.ServerRSS < 128*1024
	}
	tw.Flush()
	fmt.Fprintf(b, "   goals: ratio <= 2 %s; server peak RSS < 128 MiB %s\n", mark(ratioOK), mark(rssOK))
}
