#!/bin/sh
# A room's program: says hello with its room and pid, then repeats every client message to the whole room.
# "exit N" ends it with status N; "flood N" prints N lines of 1000 bytes, then "flooded".
echo "hello ${ROOM:-shared} $$"
while IFS= read -r line; do
  case "$line" in
    "exit "*) exit "${line#exit }" ;;
    "flood "*)
      yes "$(printf '%01000d' 0)" | head -n "${line#flood }"
      echo "flooded" ;;
    *) echo "${ROOM:-shared}: $line" ;;
  esac
done
