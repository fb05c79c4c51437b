#!/bin/sh
# Prints lines as fast as it can, forever; reports nothing else.
exec yes flood-line-0123456789
