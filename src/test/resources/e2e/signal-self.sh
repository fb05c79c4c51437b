#!/bin/sh
# Prints a line, then kills itself with SIGTERM.
echo going
kill -TERM $$
