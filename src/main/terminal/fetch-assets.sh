#!/bin/sh
# Called by the Maven build (generate-resources): fetches the terminal page's xterm.js and its fit addon from npm,
# at the versions package-lock.json pins, and copies the files wsbridge serves, with their licences, to
# target/classes/org/wsbridge/http/terminal/, which the jar packs. Nothing is committed and nothing comes from a CDN.
# Without npm (or offline with an empty npm cache) the build goes on without them: everything works, and the
# terminal page (--pty --devconsole) says that its assets are missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
target=$1
work=$target/terminal-npm
out=$target/classes/org/wsbridge/http/terminal

if [ -f "$out/xterm.js" ] && [ "$out/xterm.js" -nt "$here/package-lock.json" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "[terminal] npm not found: building without xterm.js (the --pty terminal page will say its assets are missing)"
  exit 0
fi
mkdir -p "$work" "$out"
cp "$here/package.json" "$here/package-lock.json" "$work/"
if ! (cd "$work" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error); then
  echo "[terminal] npm ci failed: building without xterm.js (the --pty terminal page will say its assets are missing)"
  exit 0
fi
m=$work/node_modules/@xterm
cp "$m/xterm/css/xterm.css" "$m/addon-fit/lib/addon-fit.js" "$out/"
cp "$m/xterm/LICENSE" "$out/LICENSE.xterm"
cp "$m/addon-fit/LICENSE" "$out/LICENSE.addon-fit"
cp "$m/xterm/lib/xterm.js" "$out/" # last: its presence means the set is complete
