#!/bin/sh
# Prints a complete line, then a last line without a newline, and exits.
printf 'x\ny'
