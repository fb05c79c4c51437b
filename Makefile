# wsbridge: the README's commands. `make run` serves an example on :8080; `make test` runs every test.
PREFIX  ?= /usr/local
DESTDIR ?=
PORT    ?= 8080
MVN     ?= mvn
MVNFLAGS ?= -B -q

JAR      := target/wsbridge.jar
LAUNCHER := target/wsbridge

.PHONY: all build run test check-tools clean bench install uninstall test-deps

all: build

check-tools:
	@command -v java >/dev/null 2>&1 || { echo "make: 'java' not found: install a JDK >= 17 (e.g. apt-get install openjdk-17-jdk)" >&2; exit 1; }
	@command -v $(MVN) >/dev/null 2>&1 || { echo "make: '$(MVN)' not found: install Maven >= 3.8 (e.g. apt-get install maven)" >&2; exit 1; }

build: check-tools
	$(MVN) $(MVNFLAGS) -DskipTests package

run: build
	$(LAUNCHER) --port=$(PORT) --devconsole examples/bash/greeter.sh

# Everything the tests need beyond the JDK and Maven is installed here, never by hand.
test-deps:
	@sh src/test/setup/install-test-deps.sh

test: check-tools test-deps
	$(MVN) -B verify

# `make bench`: wsbridge against websocketd (when it is on the PATH) in one run; see bench/README.md.
# The Node client's only dependency, `ws`, is installed from bench/package-lock.json into bench/node_modules.
BENCH_OUT ?= target/bench
BENCH_WSBRIDGE ?= $(LAUNCHER) --address=127.0.0.1 --port={port} {prog}
BENCH_WEBSOCKETD ?= websocketd --address=127.0.0.1 --port={port} {prog}

bench/node_modules/.package-lock.json: bench/package.json bench/package-lock.json
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { echo "make: 'node' and 'npm' are needed for the bench: install Node.js >= 18 (e.g. apt-get install nodejs npm)" >&2; exit 1; }
	cd bench && npm ci --no-audit --no-fund

bench: build bench/node_modules/.package-lock.json
	@if command -v websocketd >/dev/null 2>&1; then \
	  node bench/bench.mjs --out '$(BENCH_OUT)' --server '$(BENCH_WSBRIDGE)' --baseline '$(BENCH_WEBSOCKETD)'; \
	else \
	  echo "make bench: websocketd is not on the PATH (Debian: apt-get install websocketd): measuring wsbridge alone, no ratios"; \
	  node bench/bench.mjs --out '$(BENCH_OUT)' --server '$(BENCH_WSBRIDGE)'; \
	fi

clean:
	rm -rf target
