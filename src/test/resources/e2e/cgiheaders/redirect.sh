#!/bin/sh
# A Location alone is a 302; ?301 asks for a permanent one.
if [ "$QUERY_STRING" = 301 ]; then printf 'Status: 301 Moved Permanently\n'; fi
printf 'Location: /elsewhere.sh\n\n'
