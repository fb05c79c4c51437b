#!/bin/sh
# Windows line endings are stripped; a lone CR inside a line is kept.
printf 'l1\r\nl2\r\na\rb\n'
