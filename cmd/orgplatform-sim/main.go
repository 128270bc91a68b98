// Command orgplatform-sim serves the simulated organization platform (package orgsim) over
// HTTP for the demo, end-to-end tests and benchmarks. Run it with -h for its flags.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/acme/storeimport/orgsim/simcmd"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := simcmd.Main(ctx, os.Args[1:], os.Getenv, os.Stderr)
	stop()
	os.Exit(code)
}
