#!/bin/sh
# A header block with headers for the 101 (and some that may not go on it), then an echo.
printf 'Status: 200 OK\r\nContent-Type: text/plain\r\nSet-Cookie: a=1; Path=/\r\nSet-Cookie: b=2\r\n'
printf 'X-Program: %s\r\nSec-WebSocket-Protocol: evil\r\nContent-Length: 5\r\nConnection: close\r\n\r\n' "$QUERY_STRING"
echo "first"
echo "second"
while read -r line; do echo "got $line"; done
