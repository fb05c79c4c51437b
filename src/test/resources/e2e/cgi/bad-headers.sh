#!/bin/sh
# Output that is not a CGI header block.
printf 'this is not a header line\n\nbody\n'
