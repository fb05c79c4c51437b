#!/bin/sh
# A room's program for the --bus tests: announces its start with its pid, then echoes every line it reads.
echo "started $$"
while IFS= read -r line; do
  echo "got $line"
done
