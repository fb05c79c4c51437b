#!/bin/sh
# Prints its environment and working directory as the body of a CGI response.
printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'
env
echo "CWD=$(pwd)"
