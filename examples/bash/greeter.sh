#!/bin/bash
# Greets every line it receives; ends when the client leaves (stdin EOF).
while IFS= read -r line; do
  echo "Hello $line!"
done
