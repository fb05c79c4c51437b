#!/bin/sh
# Only the empty line: no headers at all, then a message.
echo
echo "hi"
