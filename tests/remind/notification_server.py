"""A stand-in org.freedesktop.Notifications server that records what arrives.

Usage: python notification_server.py RECORD.jsonl ANSWERS -- COMMAND...
Owns the name on the session bus, then runs COMMAND and serves until it exits. Each Notify
call is appended to RECORD.jsonl; the comma-separated ANSWERS are sent back, in turn, as
ActionInvoked signals (an empty answer sends none).
"""

from __future__ import annotations

import json
import subprocess
import sys

from jeepney import DBusAddress, MessageType, new_error, new_method_return, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"


def main() -> int:
    record, answers_arg = sys.argv[1], sys.argv[2]
    command = sys.argv[sys.argv.index("--") + 1 :]
    answers = answers_arg.split(",") if answers_arg else []
    conn = open_dbus_connection(bus="SESSION")
    reply = conn.send_and_get_reply(message_bus.RequestName(NAME, 4))
    if reply.body[0] != 1:
        print("could not own", NAME, file=sys.stderr)
        return 2
    child = subprocess.Popen(command)
    emitter = DBusAddress(PATH, interface=NAME)
    next_id = 0
    with open(record, "a", encoding="utf-8") as out:
        while child.poll() is None:
            try:
                msg = conn.receive(timeout=0.05)
            except TimeoutError:
                continue
            if msg.header.message_type != MessageType.method_call:
                continue
            member = msg.header.fields.get(3)  # HeaderFields.member
            if member == "GetCapabilities":
                conn.send(new_method_return(msg, "as", (["actions", "body"],)))
            elif member == "GetServerInformation":
                conn.send(new_method_return(msg, "ssss", ("stand-in", "runback", "1", "1.2")))
            elif member == "Notify":
                next_id += 1
                app, _replaces, _icon, summary, body, actions, _hints, _timeout = msg.body
                out.write(
                    json.dumps(
                        {
                            "id": next_id,
                            "app": app,
                            "summary": summary,
                            "body": body,
                            "actions": actions,
                        }
                    )
                    + "\n"
                )
                out.flush()
                conn.send(new_method_return(msg, "u", (next_id,)))
                answer = answers.pop(0) if answers else ""
                if answer:
                    conn.send(new_signal(emitter, "ActionInvoked", "us", (next_id, answer)))
            elif member == "CloseNotification":
                conn.send(new_method_return(msg))
            else:
                conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod"))
    conn.close()
    return child.returncode


if __name__ == "__main__":
    sys.exit(main())
