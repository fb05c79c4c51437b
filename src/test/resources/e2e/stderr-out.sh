#!/bin/sh
# One line to each stream.
echo E >&2
echo O
