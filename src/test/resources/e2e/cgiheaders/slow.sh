#!/bin/sh
# Starts its block and never ends it.
printf 'Content-Type: text/plain\n'
exec sleep 60
