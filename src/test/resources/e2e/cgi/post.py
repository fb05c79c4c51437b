#!/usr/bin/env python3
# Reads the request body (CONTENT_LENGTH bytes, or up to end of file when the length is unknown) and echoes it.
import os
import sys

length = os.environ.get("CONTENT_LENGTH")
body = sys.stdin.buffer.read(int(length)) if length else sys.stdin.buffer.read()
out = sys.stdout.buffer
out.write(b"Content-Type: text/plain\r\n")
out.write(("X-Method: %s\r\n" % os.environ["REQUEST_METHOD"]).encode())
out.write(("X-Content-Type: %s\r\n" % os.environ.get("CONTENT_TYPE", "<unset>")).encode())
out.write(("X-Content-Length: %s\r\n\r\n" % os.environ.get("CONTENT_LENGTH", "<unset>")).encode())
out.write(b"got %d bytes: " % len(body) + body)
out.flush()
