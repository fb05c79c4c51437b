#!/bin/sh
# A line with a byte that is not UTF-8, then a valid one.
printf 'bad \377 byte\nok \303\251\n'
