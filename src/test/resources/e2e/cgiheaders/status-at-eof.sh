#!/bin/sh
# A refusal may end with the output (no empty line), as a CGI response may.
printf 'Status: 404 Not Found'
