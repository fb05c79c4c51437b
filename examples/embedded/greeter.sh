#!/bin/sh
# The program behind /ws/greeter: greets the user the host server logged in (REMOTE_USER), answers each line,
# and exits with the status the query asks for (?exit=N) once the client closes its stdin.
echo "hello ${REMOTE_USER:-nobody}"
while IFS= read -r line; do
  echo "${REMOTE_USER:-nobody} said: $line"
done
case "$QUERY_STRING" in
  exit=*) exit "${QUERY_STRING#exit=}" ;;
esac
exit 0
