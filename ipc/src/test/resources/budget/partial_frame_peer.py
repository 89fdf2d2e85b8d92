#!/usr/bin/env python3
"""A peer that sends part of a length-prefixed frame and stalls there, holding the listener's memory.

usage: partial_frame_peer.py KIND WHERE ANNOUNCED SENT
  KIND   tcp (WHERE host:port), unix (WHERE socket path), fifo (WHERE the endpoint's base path: opens
         WHERE.c2s and WHERE.s2c), stdout (a child of a pipe: parent; WHERE is ignored)
It writes a 4-byte big-endian length ANNOUNCED and SENT bytes of the frame, says "sent" (on stderr for stdout, where
stdout is the channel; on stdout otherwise), or "closed: ..." if the other side closed first, and then waits. The line "finish" on stdin (or, for stdout, the bytes
"finish" anywhere in what the parent sends) makes it send the rest of the frame and say "finished". It exits at the
end of stdin, or when the other side closes.
"""
import socket
import sys

kind, where, announced, sent = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

if kind == "tcp":
    host, port = where.rsplit(":", 1)
    conn = socket.create_connection((host, int(port)))
    write, say = conn.sendall, sys.stdout
elif kind == "unix":
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(where)
    write, say = conn.sendall, sys.stdout
elif kind == "fifo":
    c2s = open(where + ".c2s", "wb", buffering=0)
    s2c = open(where + ".s2c", "rb", buffering=0)
    write, say = c2s.write, sys.stdout
elif kind == "stdout":
    out = sys.stdout.buffer

    def write(data):
        out.write(data)
        out.flush()

    say = sys.stderr
else:
    sys.exit("unknown kind " + kind)

try:
    write(announced.to_bytes(4, "big") + b"x" * sent)
except OSError as e:  # the other side closed the connection before it took everything
    print("closed: " + str(e), file=say, flush=True)
    sys.exit(0)
print("sent", file=say, flush=True)

if kind == "stdout":
    seen = b""
    while True:
        chunk = sys.stdin.buffer.read1(65536)
        if not chunk:
            break
        seen = (seen + chunk)[-64:]
        if b"finish" in seen:
            write(b"x" * (announced - sent))
            print("finished", file=say, flush=True)
            seen = b""
else:
    for line in sys.stdin:
        if line.strip() == "finish":
            try:
                write(b"x" * (announced - sent))
                print("finished", file=say, flush=True)
            except OSError as e:
                print("closed: " + str(e), file=say, flush=True)
