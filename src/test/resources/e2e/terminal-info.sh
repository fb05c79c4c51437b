#!/bin/sh
# --pty: what the program sees of its terminal. /dev/tty opens only for a process with a controlling terminal.
tty
stty size
echo "TERM=$TERM"
if (: </dev/tty) 2>/dev/null; then echo "controlling terminal: yes"; else echo "controlling terminal: no"; fi
