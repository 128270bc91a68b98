// Command storeimport registers a merchant's stores in bulk from a CSV file. See README.md.
package main

import (
	"os"

	"github.com/acme/storeimport/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
}
