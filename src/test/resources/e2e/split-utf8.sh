#!/bin/sh
# Writes a euro sign (E2 82 AC) in two writes, a moment apart, so that wsbridge reads it in two pieces.
printf 'price: \342\202'
sleep 0.3
printf '\254 5\n'
