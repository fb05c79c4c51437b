#!/bin/sh
# A refusal with a body over the 64 KiB wsbridge passes on.
printf 'Status: 500 Internal Server Error\nContent-Type: text/plain\n\n'
head -c 100000 /dev/zero | tr '\0' 'x'
exec sleep 30
