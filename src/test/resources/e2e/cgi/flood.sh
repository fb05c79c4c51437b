#!/bin/sh
# A response body without end, written as fast as the pipe takes it.
printf 'Content-Type: text/plain\n\n'
exec yes flood-line-0123456789
