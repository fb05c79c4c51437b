#!/bin/sh
# A `tail -f` dashboard: one tail for every viewer, started with wsbridge, and the last lines for newcomers.
#
#   wsbridge --port=8080 --devconsole --shared=eager --replay=50 --passenv=PATH,DASHBOARD_LOG \
#       examples/rooms/dashboard.sh
#
# then open http://localhost:8080/ in a few tabs and append to the file: echo "deploy done" >> /tmp/dashboard.log
# Every viewer first gets the last 50 lines, then every new one. DASHBOARD_LOG names another file to follow.
log=${DASHBOARD_LOG:-/tmp/dashboard.log}
touch "$log" || exit 1
exec tail -n 0 -F "$log"
