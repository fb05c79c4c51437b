#!/bin/sh
# Never reads stdin.
echo ready
exec sleep 1000
