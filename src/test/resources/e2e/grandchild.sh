#!/bin/sh
# A background grandchild keeps stdout open after the script itself is done.
(sleep 1; echo late) &
echo early
