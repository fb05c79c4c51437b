#!/bin/sh
# A plain WebSocket program: its first line is a message, not a header. It then waits (for the ladder).
echo "hello"
exec sleep 30
