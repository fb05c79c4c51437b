#!/bin/bash
# Exits by itself at stdin EOF; records any signal it gets in the file named by QUERY_STRING.
out="$QUERY_STRING"
trap 'echo "INT" >> "$out"; exit 1' INT
trap 'echo "TERM" >> "$out"; exit 1' TERM
echo ready
while IFS= read -r _; do :; done
echo "EOF" >> "$out"
