# Rosterdesk. `make run` opens the window, `make test` runs every test headless; both
# install the Debian/Ubuntu packages they need first (scripts/deps.sh).

GO        ?= go
BIN       := bin
DB        ?=
CORE_PKGS := ./core/...
RACE_PKGS := ./core/... ./ui/... ./cmd/rosterctl/...

.PHONY: all deps build run test test-core test-slow vet fmt-check bench fuzz crash screenshots dialog-locks package \
	windows windows-check linux macos-check clean

all: build

deps:
	@scripts/deps.sh

build: deps
	$(GO) build -o $(BIN)/ ./cmd/rosterdesk ./cmd/rosterctl

# run opens the window on the default database (or DB=path).
run: build
	$(BIN)/rosterdesk $(if $(DB),--db $(DB))

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# vet also type-checks the tests behind the slow build tag, which make test never builds.
# vet also checks the packages without cgo as Windows and macOS build them (tests
# included): a Unix-only call in a test file otherwise goes unseen until someone builds there.
vet: deps
	$(GO) vet ./...
	$(GO) vet -tags slow ./core/engine/...
	GOOS=windows CGO_ENABLED=0 $(GO) vet $(CORE_PKGS) ./cmd/rosterctl/...
	GOOS=darwin CGO_ENABLED=0 $(GO) vet $(CORE_PKGS) ./cmd/rosterctl/...

# test-core proves the engine builds and passes without cgo.
test-core:
	CGO_ENABLED=0 $(GO) test -count=1 $(CORE_PKGS)

# test is what CI runs: formatting, vet, the race detector on core, ui and rosterctl, the
# remaining packages (the GUI main compiles with cgo but needs no display), and the core
# once more without cgo.
test: deps fmt-check vet
	$(GO) test -count=1 -race $(RACE_PKGS)
	$(GO) test -count=1 $$($(GO) list ./... | grep -v -e '/core' -e '/ui' -e '/cmd/rosterctl')
	CGO_ENABLED=0 $(GO) test -count=1 $(CORE_PKGS)

# test-slow runs the tests that need outside programs and take seconds each (the
# LibreOffice round trip); they skip what is not installed. Not part of `make test`.
test-slow: deps
	@command -v soffice >/dev/null || echo "soffice is missing: apt-get install -y libreoffice-calc-nogui"
	$(GO) test -count=1 -tags slow ./core/engine/...

bench: deps
	@scripts/deps.sh --extra
	scripts/bench.sh $(ROWS)

# fuzz runs every fuzz target FUZZTIME seconds (default 60; issue 13 asks 600 before a
# release) and prints each one's executions per second. FUZZ=regexp picks targets.
fuzz:
	scripts/fuzz.sh $(or $(FUZZTIME),60) $(or $(FUZZ),.)

crash:
	scripts/crash.sh $(ROWS)

# dialog-locks proves under Xvfb that a file dialog on the database's folder leaves the
# window's SQLite locks alone (GTK timing and clicks: not part of make test).
dialog-locks: deps
	@scripts/deps.sh --extra
	scripts/dialog-locks.sh

screenshots: deps
	@scripts/deps.sh --extra
	scripts/screenshots.sh

package: deps
	scripts/package.sh

# The release packages; every name and version comes from FyneApp.toml. See docs/install.md.
# windows: dist/Rosterdesk-Setup-VERSION.exe and dist/Rosterdesk-VERSION-windows-amd64.zip,
# cross-built here with mingw-w64 and NSIS.
windows: deps
	@scripts/deps.sh --windows
	scripts/package-windows.sh

# windows-check builds the Windows packages and proves them under Wine and Xvfb (rosterctl's
# end-to-end test, silent install and upgrade, the window, the no-OpenGL message box,
# uninstall). Slow, so not part of CI.
windows-check:
	scripts/windows-check.sh

# linux: dist/Rosterdesk-VERSION-linux-amd64.tar.xz (fyne package), checked by installing it
# with its own "make user-install" into a scratch home.
linux: deps
	@scripts/deps.sh --linux
	scripts/package-linux.sh

# macos-check checks here what can be checked of the macOS package without a Mac; the
# package itself is made on a Mac by scripts/package-macos.sh.
macos-check:
	@command -v shellcheck >/dev/null || scripts/deps.sh --shellcheck
	shellcheck scripts/package*.sh scripts/windows-check.sh scripts/deps.sh
	CGO_ENABLED=0 GOOS=darwin GOARCH=arm64 $(GO) build -o /dev/null ./cmd/rosterctl
	CGO_ENABLED=0 GOOS=darwin GOARCH=amd64 $(GO) build -o /dev/null ./cmd/rosterctl
	CGO_ENABLED=0 GOOS=darwin GOARCH=arm64 $(GO) vet ./core/... ./cmd/rosterctl
	CGO_ENABLED=1 GOOS=darwin GOARCH=arm64 $(GO) list -deps ./cmd/rosterdesk >/dev/null
	$(GO) test -count=1 -run 'TestPlist|TestApp' ./packaging/meta .

clean:
	rm -rf $(BIN) dist build
