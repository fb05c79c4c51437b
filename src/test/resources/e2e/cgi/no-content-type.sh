#!/bin/sh
# Headers, but neither Content-Type nor Location nor Status.
printf 'X-Only: this\n\nbody\n'
echo "complained" >&2
