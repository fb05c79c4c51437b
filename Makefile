# wsbridge: the README's commands. `make run` serves an example on :8080; `make test` runs every test.
PREFIX  ?= /usr/local
DESTDIR ?=
PORT    ?= 8080
MVN     ?= mvn
MVNFLAGS ?= -B -q

JAR      := target/wsbridge.jar
LAUNCHER := target/wsbridge

.PHONY: all build run test check-tools clean bench bench-terminal bench-bus install uninstall completion test-deps

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
# The relay scenario: wsbridge --tcp against websockify (Debian's 0.10.0), both relaying to the bench's TCP target.
BENCH_WSBRIDGE_RELAY ?= $(LAUNCHER) --address=127.0.0.1 --port={port} --maxforks=0 --tcp={target}
BENCH_WEBSOCKIFY ?= websockify 127.0.0.1:{port} {target}

bench/node_modules/.package-lock.json: bench/package.json bench/package-lock.json
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { echo "make: 'node' and 'npm' are needed for the bench: install Node.js >= 18 (e.g. apt-get install nodejs npm)" >&2; exit 1; }
	cd bench && npm ci --no-audit --no-fund

# The start-up floor: bench/floor/FloorServer.java, a bare Netty epoll WebSocket server, in target/floor/ beside a
# copy of the launcher, the native libraries and its own start-up archives (same script, same JDKs), so that it
# starts exactly as wsbridge does. Not part of the product jar.
FLOOR     := target/floor
BENCH_FLOOR ?= $(FLOOR)/wsbridge --address=127.0.0.1 --port={port} {prog}

$(FLOOR)/wsbridge.jar: bench/floor/FloorServer.java $(JAR) src/main/sh/cds-archive $(LAUNCHER)
	rm -rf $(FLOOR) && mkdir -p $(FLOOR)/classes
	javac -nowarn -d $(FLOOR)/classes -cp $(JAR) bench/floor/FloorServer.java
	printf 'Main-Class: FloorServer\nClass-Path: ../wsbridge.jar\n' > $(FLOOR)/manifest
	jar --create --file $@.tmp --manifest $(FLOOR)/manifest -C $(FLOOR)/classes .
	cp $(LAUNCHER) $(FLOOR)/wsbridge
	if [ -d target/native ]; then cp -r target/native $(FLOOR)/native; fi
	mv $@.tmp $@
	WSBRIDGE_TRAINING_SESSIONS=5 bash src/main/sh/cds-archive $@

bench: build bench/node_modules/.package-lock.json $(FLOOR)/wsbridge.jar
	@if command -v websocketd >/dev/null 2>&1; then \
	  node bench/bench.mjs --out '$(BENCH_OUT)' --server '$(BENCH_WSBRIDGE)' --baseline '$(BENCH_WEBSOCKETD)' \
	    --floor '$(BENCH_FLOOR)' --relay-server '$(BENCH_WSBRIDGE_RELAY)' --relay-baseline '$(BENCH_WEBSOCKIFY)'; \
	else \
	  echo "make bench: websocketd is not on the PATH (Debian: apt-get install websocketd): measuring wsbridge alone, no ratios"; \
	  node bench/bench.mjs --out '$(BENCH_OUT)' --server '$(BENCH_WSBRIDGE)' --floor '$(BENCH_FLOOR)' \
	    --relay-server '$(BENCH_WSBRIDGE_RELAY)'; \
	fi
	node bench/fanout.mjs --out '$(BENCH_OUT)' --server '$(BENCH_WSBRIDGE)'
	@$(BENCH_BUS)

# `make bench-bus` (and the end of `make bench`): what --bus adds, two instances on a local redis-server.
BENCH_BUS = if [ -x /usr/bin/redis-server ]; then node bench/bus/bus.mjs; \
	else echo "make bench: no /usr/bin/redis-server (make test-deps installs it): --bus not measured"; fi
bench-bus: build bench/node_modules/.package-lock.json
	@$(BENCH_BUS)

# `make bench-terminal`: --pty output throughput and keystroke round trip beside pipes (bench/terminal.mjs).
bench-terminal: build bench/node_modules/.package-lock.json
	node bench/terminal.mjs --out='$(BENCH_OUT)'

clean:
	rm -rf target

# ---- install, uninstall, completion ---------------------------------------------------------------------------
# `make && sudo make install` (PREFIX=/usr/local by default); packagers add DESTDIR=<staging dir>. The launcher
# finds the jar in ../share/wsbridge/ beside itself. Debian's zsh looks in /usr/share/zsh/vendor-completions:
# a package for /usr sets ZSHCOMPDIR to that.
BINDIR      ?= $(PREFIX)/bin
DATADIR     ?= $(PREFIX)/share
MANDIR      ?= $(DATADIR)/man
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  ?= $(DATADIR)/zsh/site-functions

MANPAGE         := man/wsbridge.1
COMPLETION_BASH := target/completion/wsbridge.bash
COMPLETION_ZSH  := target/completion/_wsbridge
COMPLETION_SRC  := src/main/completion
# picocli's AutoComplete exits 0 even when it fails unless told otherwise.
AUTOCOMPLETE    := java -Dpicocli.autocomplete.systemExitOnError=true -cp $(JAR) picocli.AutoComplete

# Built on demand only: `make install` as root after `make` must not rebuild (or need Maven) as root.
$(JAR):
	$(MAKE) build

# Shell completion, generated from the picocli options of the command class, so it never drifts from them.
completion: $(COMPLETION_BASH) $(COMPLETION_ZSH)

$(COMPLETION_BASH): $(JAR) $(COMPLETION_SRC)/wsbridge.bash.tail
	@mkdir -p $(@D)
	$(AUTOCOMPLETE) --force --name=wsbridge --factory='org.wsbridge.cli.WsbridgeCommand$$Factory' --completionScript=$@.tmp \
	  org.wsbridge.cli.WsbridgeCommand
	cat $(COMPLETION_SRC)/wsbridge.bash.tail >> $@.tmp
	mv $@.tmp $@

$(COMPLETION_ZSH): $(COMPLETION_BASH) $(COMPLETION_SRC)/_wsbridge.head $(COMPLETION_SRC)/_wsbridge.tail
	cat $(COMPLETION_SRC)/_wsbridge.head $(COMPLETION_BASH) $(COMPLETION_SRC)/_wsbridge.tail > $@.tmp
	mv $@.tmp $@

install: $(JAR) completion
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/wsbridge $(DESTDIR)$(MANDIR)/man1 \
	  $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 644 $(JAR) $(DESTDIR)$(DATADIR)/wsbridge/wsbridge.jar
	@# Netty's and JNA's native libraries, copied out of the jar at build time (src/main/sh/cds-archive), so that
	@# neither is extracted to a temporary file at every start; without them the launcher still works.
	@if ls target/native/*.so >/dev/null 2>&1; then install -d $(DESTDIR)$(DATADIR)/wsbridge/native && \
	  install -m 644 target/native/*.so $(DESTDIR)$(DATADIR)/wsbridge/native/; fi
	install -m 755 $(LAUNCHER) $(DESTDIR)$(BINDIR)/wsbridge
	@if [ -f $(MANPAGE) ]; then install -m 644 $(MANPAGE) $(DESTDIR)$(MANDIR)/man1/wsbridge.1; \
	  else echo "make install: $(MANPAGE) is missing: no man page installed" >&2; fi
	install -m 644 $(COMPLETION_BASH) $(DESTDIR)$(BASHCOMPDIR)/wsbridge
	install -m 644 $(COMPLETION_ZSH) $(DESTDIR)$(ZSHCOMPDIR)/_wsbridge
	@# The start-up archives (class-data sharing for JDK 17-24, an AOT cache for JDK >= 25) name the jar's path,
	@# so they are written where the jar will run; a staged install (DESTDIR) would record the staging path, so
	@# packagers run src/main/sh/cds-archive after unpacking.
	@if [ -z "$(DESTDIR)" ]; then bash src/main/sh/cds-archive $(DATADIR)/wsbridge/wsbridge.jar; fi

# Removes exactly what install put there, and wsbridge's own directory; shared directories stay.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/wsbridge $(DESTDIR)$(DATADIR)/wsbridge/wsbridge.jar \
	  $(DESTDIR)$(DATADIR)/wsbridge/wsbridge.jdk-*.jsa $(DESTDIR)$(DATADIR)/wsbridge/wsbridge.jdk-*.aot \
	  $(DESTDIR)$(DATADIR)/wsbridge/wsbridge.jsa $(DESTDIR)$(DATADIR)/wsbridge/native/*.so \
	  $(DESTDIR)$(MANDIR)/man1/wsbridge.1 $(DESTDIR)$(BASHCOMPDIR)/wsbridge $(DESTDIR)$(ZSHCOMPDIR)/_wsbridge
	rmdir $(DESTDIR)$(DATADIR)/wsbridge/native $(DESTDIR)$(DATADIR)/wsbridge 2>/dev/null || true
