#!/bin/bash
# A multi-user chat room. Every connection runs its own copy of this script; they meet in one log file that each
# copy appends its user's lines to and follows with `tail -f`, so everyone sees every line.
#
#   wsbridge --port=8080 --devconsole examples/bash/chat.sh
#
# The room lives in $CHAT_DIR (default: /tmp/wsbridge-chat-<uid>), never in the repository. wsbridge passes only
# PATH and LD_LIBRARY_PATH to scripts: start it with --passenv=PATH,CHAT_DIR to choose another room.
#
# Cleaning up: the background `tail` below needs no trap. wsbridge runs each connection in its own process group
# and, when the client leaves, signals the whole group, so the tail goes with the script. `--pid=$$` (GNU tail)
# is a second safety net for when this script ends by itself (for example on /quit).
set -u

room=${CHAT_DIR:-/tmp/wsbridge-chat-$(id -u)}
mkdir -p -m 700 "$room" || exit 1
log=$room/chat.log
touch "$log" || exit 1

echo "Welcome to the chat. What is your name?"
IFS= read -r name || exit 0
name=${name//[^[:alnum:]_.-]/}            # one word, nothing that could fake another user's line
name=${name:0:20}
[ -n "$name" ] || name=guest$$

# Follow the log from its current end. Starting at a byte offset (rather than `tail -n 0`) means the lines
# written from here on are shown even if tail opens the file a moment later, so nobody misses their own join.
size=$(wc -c < "$log")
tail -c "+$((size + 1))" -f --pid=$$ "$log" &

echo "* $name joined" >> "$log"
while IFS= read -r line; do
  case $line in
    /quit) break ;;
    '') ;;
    *) printf '%s: %s\n' "$name" "$line" >> "$log" ;;    # one write per line: lines from several users never mix
  esac
done
echo "* $name left" >> "$log"
