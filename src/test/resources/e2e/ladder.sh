#!/bin/bash
# Records stdin EOF and every INT/TERM it receives, with a timestamp in ms, in the file named by QUERY_STRING;
# ignores both signals, so only SIGKILL ends it.
out="$QUERY_STRING"
trap 'echo "INT $(date +%s%3N)" >> "$out"' INT
trap 'echo "TERM $(date +%s%3N)" >> "$out"' TERM
echo "ready $$"
while IFS= read -r _; do :; done
echo "EOF $(date +%s%3N)" >> "$out"
while :; do sleep 0.01; done
