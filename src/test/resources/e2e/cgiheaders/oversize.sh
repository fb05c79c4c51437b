#!/bin/sh
# Header lines without end: past 64 KiB the block is refused.
i=0
while [ $i -lt 2000 ]; do printf 'X-Pad-%d: %060d\n' $i 0; i=$((i+1)); done
exec sleep 30
