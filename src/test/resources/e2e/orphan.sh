#!/bin/sh
# Leaves a grandchild that does not hold stdout and would outlive the script; prints its pid.
sleep 1000 </dev/null >/dev/null 2>&1 &
echo "orphan $!"
read -r _
