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

clean:
	rm -rf target
