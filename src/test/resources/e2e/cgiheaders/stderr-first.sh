#!/bin/sh
# Over a pipe's worth of stderr (200 lines of 1000 bytes) before the header block.
line=$(head -c 999 /dev/zero | tr '\0' 'e')
i=0
while [ $i -lt 200 ]; do echo "$line" >&2; i=$((i + 1)); done
echo
echo "after the block"
