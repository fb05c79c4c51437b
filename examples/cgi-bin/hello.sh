#!/bin/bash
# A CGI/1.1 script: answers GET /hello.sh?name=World with "Hello World!" as plain text.
#   wsbridge --port=8080 --cgidir=examples/cgi-bin
#   curl 'http://localhost:8080/hello.sh?name=World'
# A CGI script prints its headers, an empty line, then the body; wsbridge turns that into the HTTP response
# (a `Status: 404 Not Found` header would set the status). The request arrives in the environment.
# With --cgiheaders it also serves WebSocket upgrades unchanged: its headers answer the handshake (the 400
#   refuses it) and the line after them is a message:
#   wsbridge --port=8080 --cgiheaders --dir=examples/cgi-bin --cgidir=examples/cgi-bin

# The value of name= in the query string, URL-decoded ('+' is a space, %XX a byte).
name=""
IFS='&' read -r -a pairs <<< "${QUERY_STRING:-}"
for pair in "${pairs[@]}"; do
  case $pair in
    name=*) name=${pair#name=} ;;
  esac
done
name=${name//+/ }
name=${name//\\/\\\\}                # a literal backslash stays one
name=$(printf '%b' "${name//%/\\x}")   # %b only expands backslash escapes: the value is data, never run

if [ -z "$name" ]; then
  printf 'Status: 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
  echo "Say who to greet: ${SCRIPT_NAME:-/hello.sh}?name=World"
  exit 0
fi
printf 'Content-Type: text/plain; charset=utf-8\r\n\r\n'
echo "Hello $name!"
