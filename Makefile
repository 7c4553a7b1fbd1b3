# Corkboard. `make run` starts the board, `make test` runs every test.
#
# Go 1.27.3 is required (the machine's own Go may be older and ignores the
# toolchain line in go.mod); the go command fetches it through the module proxy.
export GOTOOLCHAIN := go1.27.3

ADDR ?= :8080
DB   ?= ./data/corkboard.db

.PHONY: run build test test-race test-browser check generate bench fuzz clean

run:
	@mkdir -p $(dir $(DB))
	go run ./cmd/corkboard serve -addr $(ADDR) -db $(DB)

build:
	go build -o bin/corkboard ./cmd/corkboard
	go build -o bin/boardload ./cmd/boardload

# Every test, in two runs at once: everything but the browser tests with
# the race detector, and the browser tests (Chromium driving the page
# against a real server) without it. The server's concurrency is what the
# first run exercises, with many WebSocket clients at once; under the race
# detector the server the browser tests talk to only runs a sixth slower.
# Browser tests run when Chromium is installed and say that they were
# skipped when it is not.
BROWSER_TESTS := ^Test(Browser|.*Screenshots)

test:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 || \
		echo "NOTE: Chromium is not installed, so the browser tests are SKIPPED (Debian: apt-get install chromium)."
	@command -v node >/dev/null 2>&1 || echo "NOTE: node is not installed, so the client logic tests (assets/*.test.mjs) are SKIPPED."
	@$(MAKE) --no-print-directory -j2 test-race test-browser

test-race:
	go test -race -count=1 -timeout 20m -skip '$(BROWSER_TESTS)' ./...

test-browser:
	go test -count=1 -timeout 20m -run '$(BROWSER_TESTS)' ./cmd/corkboard

# Static checks: vet, formatting, and generated templ files being fresh.
check:
	go vet ./...
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi
	go tool templ generate -check || (echo "templ files are stale: run 'make generate' and commit the result"; exit 1)
	@if command -v node >/dev/null; then node --check assets/*.js; fi

generate:
	go tool templ generate

# The load scenarios of the README (S1 classroom, S2 lecture, S3 school, S4
# a presented lesson, the 10,000-client join, the big-board join and a
# voting round of 1,000),
# then the board page in headless Chromium (1,000 notes: load time, drag fps),
# then exporting a board of 1,000 notes in every format (the requirement:
# under a second each).
bench: build
	./cmd/boardload/bench.sh
	go test -run XXX -bench BoardPage -benchtime 5x ./cmd/corkboard
	go test -run XXX -bench Export1000 -benchtime 3x ./board/export

# A short run of every fuzz target; the seed corpora also run in `make test`.
fuzz:
	go test -run XXX -fuzz FuzzApply -fuzztime 30s ./board
	go test -run XXX -fuzz FuzzDecodeClientMsg -fuzztime 30s ./sync

clean:
	rm -rf bin
