# storeimport: build, test, demo. Needs Go, a C compiler (go-sqlite3 and -race use cgo) and, for the
# tests and bench, PostgreSQL installed (apt-get install -y postgresql); make demo needs no server.
# The tests also need Chromium at /usr/bin/chromium (apt-get install -y chromium), which make test
# installs where it can.
SHELL := /bin/bash
GO ?= go
BIN := bin
# The Postgres tests never skip: WITH_PG runs a command with STOREIMPORT_TEST_POSTGRES set to a server
# that answers (the one it names, else the local server on /var/run/postgresql, else a throwaway
# cluster that it starts in a temporary directory and stops), and fails only where PostgreSQL is not
# installed. It says on stderr which server the tests use.
WITH_PG := ./scripts/test-postgres.sh run --
# The browser tests (internal/browser, e2e/browser) never skip either: NEED_CHROMIUM finds
# /usr/bin/chromium, else installs Debian's chromium package when it runs as root where apt-get is,
# else fails naming apt-get install -y chromium. It says on stderr which Chromium the tests use.
NEED_CHROMIUM := ./scripts/need-chromium.sh
# What go generate writes; committed, and checked against a fresh generation by make test.
GENERATED := orgclient/generated.go orgsim/internal

.PHONY: build test test-scripts check generate demo bench soak clean fuzz screenshot

build:
	$(GO) build -o $(BIN)/storeimport ./cmd/storeimport
	$(GO) build -o $(BIN)/orgplatform-sim ./cmd/orgplatform-sim

# test fails when gofmt, go.mod/go.sum or the generated code drift, then runs every test with -race,
# the fuzz targets' seed corpus included. It does not fuzz: new random inputs would make CI's
# verdict depend on luck; make fuzz looks for them, and what it finds is committed as a seed.
# It tests scripts/test-postgres.sh first (about 6 s), so that every run, CI's included, also proves
# the throwaway-cluster path that a machine with a running server never takes, and
# scripts/need-chromium.sh (under 1 s), whose install and failure paths a machine with Chromium
# never takes either.
# The packages whose tests take their database from storetest.FromEnv (the pipeline and the crash
# suite) run a second time on PostgreSQL; the conformance suite runs on both kinds in every run.
# ./e2e, not ./e2e/...: the queued imports' suite, e2e/jobs, is on PostgreSQL, the queue's only
# kind, in the first run already.
STORE_TESTS := ./importer ./e2e
test: check test-scripts
	$(NEED_CHROMIUM)
	$(GO) vet ./...
	$(WITH_PG) $(GO) test -race -count=1 ./...
	STOREIMPORT_TEST_STORE=postgres $(WITH_PG) $(GO) test -race -count=1 $(STORE_TESTS)

# test-scripts tests the shell scripts the other targets rely on.
test-scripts:
	./scripts/test-postgres_test.sh
	./scripts/need-chromium_test.sh

check:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go') 2>/dev/null); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted (run gofmt -w)"; exit 1; fi
	@$(GO) mod tidy -diff || { echo "go.mod/go.sum are not tidy: run 'go mod tidy'"; exit 1; }
	@$(GO) generate ./...
	@if [ -n "$$(git status --porcelain -- $(GENERATED))" ]; then \
		git status --porcelain -- $(GENERATED); \
		echo "generated code differs from what is committed: run 'make generate' and commit the result"; exit 1; fi

generate:
	$(GO) generate ./...

# screenshot saves the support page's report of testdata/merchant/mistakes.csv, in Japanese, to
# docs/images/support-page.png, which the README shows (a browser test that make test runs into a
# temporary directory). Chromium draws Japanese only with a Japanese font installed
# (apt-get install -y fonts-ipafont-gothic).
screenshot:
	$(NEED_CHROMIUM)
	STOREIMPORT_SCREENSHOT=$(CURDIR)/docs/images/support-page.png $(GO) test -count=1 -run '^TestScreenshotOfAReport$$' ./e2e/browser

# demo imports testdata/stores.csv into a fresh database against the bundled simulator.
demo: build
	./scripts/demo.sh

# soak kills the import at many more random moments than make test does (about 1 s a round).
soak:
	STOREIMPORT_SOAK_ROUNDS=$${ROUNDS:-100} $(WITH_PG) $(GO) test -count=1 -run '^TestCrashAtRandomMoments$$' -v ./e2e

# bench runs the benchmarks of bench/ once each (about 4 minutes), prints one table and appends it to
# bench/RESULTS.md: throughput at the platform's limit, validate of a 1,000,000-row file, local overhead
# and reconcile on SQLite and on PostgreSQL (the server WITH_PG names), validate's memory for rows of
# other shapes near the record cap, validate of a 100,000-row workbook, a 100,000-row file checked
# through the support page, validate of 300,000 valid rows in every report format, to /dev/null
# and through a pipe, and a 10,000-row import queued for three workers, with a worker's memory by
# its job's rows.
bench: build
	$(WITH_PG) $(GO) test -count=1 -run '^$$' -bench . -benchtime 1x -timeout 30m ./bench -args -results RESULTS.md

# fuzz runs each fuzz target of the reader (CSV and workbook), the validator and the workbooks' XML
# tokenizer for FUZZTIME, from the seed corpus in importer/testdata/fuzz; a failing input is written
# there, to fix and commit as a seed.
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzReader$$' -fuzztime $(FUZZTIME) ./importer/
	$(GO) test -run '^$$' -fuzz '^FuzzValidate$$' -fuzztime $(FUZZTIME) ./importer/
	$(GO) test -run '^$$' -fuzz '^FuzzXMLTokens$$' -fuzztime $(FUZZTIME) ./importer/

clean:
	rm -rf $(BIN)
