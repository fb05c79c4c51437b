#!/bin/sh
# Writes through /dev/stdout and /dev/stderr, which only works when they are pipes, not sockets.
echo "to stdout" > /dev/stdout
echo "to stderr" > /dev/stderr
echo done
