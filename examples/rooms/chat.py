#!/usr/bin/env python3
"""A chat with rooms, for wsbridge --rooms --framing=json: one copy of this program per room.

    wsbridge --port=8080 --devconsole --rooms --framing=json --replay=20 examples/rooms/chat.py

then open http://localhost:8080/lobby (or /kitchen, ...) in several browser tabs. Each line on stdin is a JSON
event about one client (join, message, leave); a plain line printed goes to everyone in the room, and
{"to": ID, "data": TEXT} to one client only.
"""
import json
import os
import sys

room = os.environ.get("ROOM", "?")
names = {}


def everyone(text):
    print(text, flush=True)


def only(client, text):
    print(json.dumps({"to": client, "data": text}), flush=True)


for line in sys.stdin:
    event = json.loads(line)
    client = event["id"]
    if event["event"] == "join":
        names[client] = "guest-" + client[:4]
        only(client, f"Welcome to {room}, {names[client]}. Type /nick NAME to choose a name.")
        everyone(f"* {names[client]} joined")
    elif event["event"] == "message":
        text = event["data"].strip()
        if text.startswith("/nick ") and text[6:].strip():
            old, names[client] = names[client], text[6:].strip()[:32]
            everyone(f"* {old} is now {names[client]}")
        elif text:
            everyone(f"<{names[client]}> {text}")
    elif event["event"] == "leave":
        everyone(f"* {names.pop(client, client)} left")
