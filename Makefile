# storeimport: build, test, demo. Needs only Go and a C compiler (go-sqlite3 and -race use cgo).
SHELL := /bin/bash
GO ?= go
BIN := bin
# What go generate writes; committed, and checked against a fresh generation by make test.
GENERATED := orgclient/generated.go orgsim/internal

.PHONY: build test check generate demo bench soak clean fuzz

build:
	$(GO) build -o $(BIN)/storeimport ./cmd/storeimport
	$(GO) build -o $(BIN)/orgplatform-sim ./cmd/orgplatform-sim

# test fails when gofmt, go.mod/go.sum or the generated code drift, then runs every test with -race,
# the fuzz targets' seed corpus included. It does not fuzz: new random inputs would make CI's
# verdict depend on luck; make fuzz looks for them, and what it finds is committed as a seed.
test: check
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

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

# demo imports testdata/stores.csv into a fresh database against the bundled simulator.
demo: build
	./scripts/demo.sh

# soak kills the import at many more random moments than make test does (about 1 s a round).
soak:
	STOREIMPORT_SOAK_ROUNDS=$${ROUNDS:-100} $(GO) test -count=1 -run '^TestCrashAtRandomMoments$$' -v ./e2e

# bench runs the benchmarks of bench/ once each (about 2 minutes), prints one table and appends it to
# bench/RESULTS.md: throughput at the platform's limit, validate of a 1,000,000-row file, local overhead,
# validate's memory for rows of other shapes near the record cap, and validate of a 100,000-row workbook.
bench: build
	$(GO) test -count=1 -run '^$$' -bench . -benchtime 1x -timeout 30m ./bench -args -results RESULTS.md

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
