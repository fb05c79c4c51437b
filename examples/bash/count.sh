#!/bin/bash
# Counts from 1 to 10, one number every half second, then exits (the connection closes with 1000).
for ((i = 1; i <= 10; i++)); do
  echo "$i"
  sleep 0.5
done
