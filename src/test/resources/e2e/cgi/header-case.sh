#!/bin/sh
# Header names in odd case: the response carries them in Go's canonical form.
printf 'content-TYPE: text/plain\nx-custom-thing: 1\n\ncased\n'
