#!/bin/sh
# Refuses, then waits for stdin to close (it is, as no message will come), then says goodbye in the body.
printf 'Status: 403 Forbidden\r\nContent-Type: text/plain\r\nX-Why: policy\r\nSet-Cookie: seen=1\r\n\r\n'
echo "not for you"
cat >/dev/null
echo "bye"
