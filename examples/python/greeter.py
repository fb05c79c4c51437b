#!/usr/bin/env python3
# Greets every line it receives; ends when the client leaves (stdin EOF).
#   wsbridge --port=8080 examples/python/greeter.py
# flush=True sends each line at once: on a pipe Python buffers stdout in blocks (or run `python3 -u`).
import sys

for line in sys.stdin:
    print(f"Hello {line.rstrip(chr(10))}!", flush=True)
