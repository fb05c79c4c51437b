#!/bin/sh
# Never answers: its group (with a grandchild) must be ended by --cgitimeout.
sleep 600 &
sleep 600
