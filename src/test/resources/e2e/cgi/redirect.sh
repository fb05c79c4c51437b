#!/bin/sh
# Location without Status: a 302, as websocketd's Go CGI handler answers.
printf 'Location: /elsewhere?a=1\r\n\r\n'
