#!/bin/sh
# Prints its pid, then echoes.
echo "$$"
exec cat
