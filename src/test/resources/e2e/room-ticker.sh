#!/bin/bash
# A room's program for the --bus takeover test: announces its start with its pid, then writes a numbered line
# every 100 ms (a stream that is cut when its instance dies) and echoes what it reads.
echo "started $$"
(n=0; while :; do n=$((n + 1)); echo "tick $$ $n" || exit 0; sleep 0.1; done) &
ticker=$!
trap 'kill $ticker 2>/dev/null' EXIT
while IFS= read -r line; do
  echo "got $line"
done
