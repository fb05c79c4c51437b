#!/bin/sh
# Starts the response, then hangs: the connection must be cut at --cgitimeout.
printf 'Content-Type: text/plain\n\nstarted\n'
exec sleep 600
