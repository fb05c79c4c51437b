#!/bin/sh
# The room program of `make bench-bus`: echoes each client line to the whole room; "flood N" prints N numbered
# lines at once, then "flooded".
while IFS= read -r line; do
  case "$line" in
    "flood "*) seq -f "line %g" "${line#flood }"; echo "flooded" ;;
    *) echo "$line" ;;
  esac
done
