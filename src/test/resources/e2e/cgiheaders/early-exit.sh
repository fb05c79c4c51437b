#!/bin/sh
# Ends inside a block that would have upgraded.
printf 'Content-Type: text/plain\nSet-Cookie: a=1\n'
