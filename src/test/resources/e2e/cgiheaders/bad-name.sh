#!/bin/sh
printf 'Content-Type: text/plain\nBad Header: x\n\n'
exec sleep 30
