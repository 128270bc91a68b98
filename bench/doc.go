// Package bench holds the benchmarks behind `make bench` (see bench_test.go) and what they need:
// a deterministic store file generator, the plain encoding/csv baseline that validate is compared
// with, the request-log arithmetic for throughput, and the table appended to RESULTS.md.
//
// Nothing here runs during `go test` without -bench: the measurements are Benchmark functions.
package bench
