#!/usr/bin/env python3
"""A peer that is not Conduit: Python's standard socket module speaking Conduit's wire format.

It proves docs/wire-format.md: a 4-byte big-endian length before each message (framing=length), or a '\\n' after
each (framing=line), and one datagram per message over udp.

    conduit_peer.py tcp-client HOST PORT length|line   send the test messages, expect each echoed back
    conduit_peer.py tcp-server length|line             print the port, answer each message with b"py:" + message
    conduit_peer.py udp-client HOST PORT               send datagrams, expect each echoed back
    conduit_peer.py udp-server                         print the port, answer each datagram with b"py:" + it

Exit status 0 means every check passed; failures are explained on stderr.
"""
import socket
import struct
import sys

TIMEOUT = 30


def pattern(index, size):
    """Message `index` of `size` bytes: the same bytes the Java side computes."""
    return bytes((index * 31 + j) & 0xFF for j in range(size))


LENGTH_SIZES = [0, 1, 5, 4096, 65536, 1 << 20]
LINES = ["hello", "", "with spaces and tabs\tinside", "caf\u00e9 \u2713 utf-8", "last line"]


def read_exact(sock, n):
    chunks = []
    while n > 0:
        chunk = sock.recv(min(n, 1 << 16))
        if not chunk:
            raise EOFError("peer closed with %d bytes still expected" % n)
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def read_frame(sock):
    (length,) = struct.unpack(">i", read_exact(sock, 4))
    return read_exact(sock, length)


def write_frame(sock, payload):
    sock.sendall(struct.pack(">i", len(payload)) + payload)


class LineReader:
    def __init__(self, sock):
        self.sock = sock
        self.buffer = b""

    def read_line(self):
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line[:-1] if line.endswith(b"\r") else line


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def tcp_client(host, port, framing):
    sock = socket.create_connection((host, port), timeout=TIMEOUT)
    if framing == "length":
        for i, size in enumerate(LENGTH_SIZES):
            sent = pattern(i, size)
            write_frame(sock, sent)
            back = read_frame(sock)
            if back != sent:
                fail("message %d: sent %d bytes, got back %d different bytes" % (i, size, len(back)))
    else:
        reader = LineReader(sock)
        for i, line in enumerate(LINES):
            ending = b"\r\n" if i % 2 else b"\n"  # Conduit drops a '\r' before the '\n'
            sock.sendall(line.encode("utf-8") + ending)
            back = reader.read_line()
            if back is None or back.decode("utf-8") != line.upper():
                fail("line %d: sent %r, expected %r, got %r" % (i, line, line.upper(), back))
    sock.close()
    print("ok")


def tcp_server(framing):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(TIMEOUT)
    print("listening on %d" % server.getsockname()[1], flush=True)
    conn, _ = server.accept()
    conn.settimeout(TIMEOUT)
    answered = 0
    if framing == "length":
        while True:
            try:
                message = read_frame(conn)
            except EOFError:
                break
            write_frame(conn, b"py:" + message)
            answered += 1
    else:
        reader = LineReader(conn)
        while True:
            line = reader.read_line()
            if line is None:
                break
            conn.sendall(b"py:" + line + b"\n")
            answered += 1
    conn.close()
    server.close()
    print("answered %d" % answered, flush=True)


def udp_client(host, port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(TIMEOUT)
    for i, size in enumerate([1, 5, 1400, 65507]):
        sent = pattern(i, size)
        sock.sendto(sent, (host, port))
        back, sender = sock.recvfrom(65535)
        if sender[1] != port:
            fail("datagram %d answered from port %d, not %d" % (i, sender[1], port))
        if back != sent:
            fail("datagram %d: sent %d bytes, got back %d different bytes" % (i, size, len(back)))
    print("ok")


def udp_server():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(TIMEOUT)
    print("listening on %d" % sock.getsockname()[1], flush=True)
    answered = 0
    while True:
        data, sender = sock.recvfrom(65535)
        if data == b"bye":
            break
        sock.sendto(b"py:" + data, sender)
        answered += 1
    print("answered %d" % answered, flush=True)


def main(args):
    mode = args[0]
    if mode == "tcp-client":
        tcp_client(args[1], int(args[2]), args[3])
    elif mode == "tcp-server":
        tcp_server(args[1])
    elif mode == "udp-client":
        udp_client(args[1], int(args[2]))
    elif mode == "udp-server":
        udp_server()
    else:
        fail("unknown mode " + mode)


if __name__ == "__main__":
    main(sys.argv[1:])
