#!/bin/sh
# Reports how --dir mapped the URL.
echo "SCRIPT_NAME=$SCRIPT_NAME"
echo "PATH_INFO=$PATH_INFO"
echo "ARGV0=$0"
