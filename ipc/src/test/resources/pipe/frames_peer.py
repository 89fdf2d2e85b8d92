#!/usr/bin/env python3
"""A pipe: peer in Python: length-prefixed frames on stdin and stdout (4-byte big-endian length, then the payload).

Every frame is answered. Text frames are commands:
  "upper <text>"  -> the text in upper case
  "err <text>"    -> writes <text> to stderr as one line, answers "logged"
  "exit <code>"   -> answers "bye", then exits with <code>
  "big <n>"       -> answers with n bytes of b'z'
  "env <name>"    -> the value of environment variable <name>, and "cwd" -> the working directory
Anything else comes back unchanged. At end of stdin the peer exits with code 0, unless run with
--ignore-eof, which makes it stay up (and --ignore-term makes it ignore SIGTERM too): a stubborn child.
"""
import os
import signal
import struct
import sys
import time


def read_exactly(stream, n):
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def send(out, payload):
    out.write(struct.pack(">i", len(payload)) + payload)
    out.flush()


def main():
    if "--ignore-term" in sys.argv:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stderr.write("frames_peer.py started\n")
    sys.stderr.flush()
    while True:
        header = read_exactly(stdin, 4)
        if header is None:
            break
        (length,) = struct.unpack(">i", header)
        payload = read_exactly(stdin, length)
        if payload is None:
            sys.stderr.write("truncated frame\n")
            sys.exit(3)
        if payload.startswith(b"upper "):
            send(stdout, payload[6:].upper())
        elif payload.startswith(b"err "):
            sys.stderr.write(payload[4:].decode("utf-8") + "\n")
            sys.stderr.flush()
            send(stdout, b"logged")
        elif payload.startswith(b"exit "):
            send(stdout, b"bye")
            sys.exit(int(payload[5:]))
        elif payload.startswith(b"env "):
            send(stdout, os.environ.get(payload[4:].decode("utf-8"), "").encode("utf-8"))
        elif payload == b"cwd":
            send(stdout, os.getcwd().encode("utf-8"))
        elif payload.startswith(b"big "):
            send(stdout, b"z" * int(payload[4:]))
        else:
            send(stdout, payload)
    if "--ignore-eof" in sys.argv:
        while True:
            time.sleep(3600)
    sys.exit(0)


if __name__ == "__main__":
    main()
