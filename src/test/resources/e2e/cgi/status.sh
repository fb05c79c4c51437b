#!/bin/sh
# A custom status with its reason, a custom header, a framing header the server must not pass on, LF line ends.
printf 'Status: 418 I am a teapot\nX-Custom: yes\nContent-Length: 99999\nContent-Type: text/plain\n\nshort and stout\n'
