#!/bin/sh
# Answers before it has read the body, then echoes the body line when it arrives: proves both directions stream.
printf 'Content-Type: text/plain\n\nready\n'
read -r line
echo "read: $line"
