#!/bin/sh
# A child for termination-ladder tests: prints "ready", then the name of each signal it catches.
#   ladder.sh exit-on-int   exits 0 at SIGINT
#   ladder.sh survive       survives SIGINT and SIGTERM (only SIGKILL ends it)
mode=$1
trap 'echo INT; if [ "$mode" = exit-on-int ]; then exit 0; fi' INT
trap 'echo TERM' TERM
echo ready
# Short sleeps in the foreground: the shell runs a trap only once the current command has finished.
while :; do sleep 0.02; done
