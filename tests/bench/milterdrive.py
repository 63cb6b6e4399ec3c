#!/usr/bin/env python3
"""Drive a milter directly over the milter protocol (version 6), as
Postfix's smtpd would, with no MTA in the way: for profiling the milter
alone (doc/performance.md says how it was used).

    milterdrive.py SOCKET MESSAGE.eml COUNT [--conns N] [--sender A] [--rcpt B]

Prints messages per second and the milter's answers to the end of each
message.  Each connection sends its messages one after another, each in a
session of its own (connect, helo, mail, rcpt, data, headers, body, end),
as Postfix does for a client that sends one message per connection."""

import argparse
import socket
import struct
import threading
import time
from collections import Counter

# Postfix 3.7 offers every action and every protocol step and flag.
ACTIONS = 0x1FF
STEPS = 0x1FFFFF


def packet(cmd, data=b""):
    return struct.pack(">I", len(data) + 1) + cmd + data


def read_packet(s):
    head = b""
    while len(head) < 4:
        chunk = s.recv(4 - len(head))
        if not chunk:
            raise EOFError("milter closed the connection")
        head += chunk
    n = struct.unpack(">I", head)[0]
    body = b""
    while len(body) < n:
        chunk = s.recv(n - len(body))
        if not chunk:
            raise EOFError("milter closed the connection")
        body += chunk
    return body[:1], body[1:]


class Session:
    """One milter connection; remembers which steps need no reply."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.s.sendall(packet(b"O", struct.pack(">III", 6, ACTIONS, STEPS)))
        cmd, data = read_packet(self.s)
        _, self.actions, self.steps = struct.unpack(">III", data[:12])

    def step(self, cmd, data, noreply_bit=0, skip_bit=0):
        if skip_bit and self.steps & skip_bit:
            return None
        self.s.sendall(packet(cmd, data))
        if noreply_bit and self.steps & noreply_bit:
            return None
        while True:
            code, body = read_packet(self.s)
            # changes at the end of a message (headers, recipients,
            # progress) come before the answer
            if code not in (b"+", b"-", b"2", b"h", b"i", b"m", b"e", b"q", b"b", b"p"):
                return code

    def close(self):
        self.s.sendall(packet(b"Q"))
        self.s.close()


def split(msg):
    head, _, body = msg.partition(b"\r\n\r\n")
    headers = []
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and headers:
            headers[-1][1] += b"\r\n" + line
        else:
            name, _, value = line.partition(b":")
            headers.append([name, value.lstrip()])
    return headers, body


def one_message(path, headers, body, sender, rcpt):
    m = Session(path)
    m.step(b"C", b"client.stmarys.sch.uk\0" + b"4" + struct.pack(">H", 25000) + b"127.0.0.1\0",
           0x1000, 0x1)
    m.step(b"H", b"client.stmarys.sch.uk\0", 0x2000, 0x2)
    m.step(b"M", b"<" + sender + b">\0", 0x4000, 0x4)
    m.step(b"R", b"<" + rcpt + b">\0", 0x8000, 0x8)
    m.step(b"T", b"", 0x10000, 0x200)
    for name, value in headers:
        m.step(b"L", name + b"\0" + value + b"\0", 0x80, 0x20)
    m.step(b"N", b"", 0x40000, 0x40)
    for i in range(0, len(body), 65535):
        m.step(b"B", body[i:i + 65535], 0x80000, 0x10)
    answer = m.step(b"E", b"")
    m.close()
    return answer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("socket")
    ap.add_argument("message")
    ap.add_argument("count", type=int)
    ap.add_argument("--conns", type=int, default=4)
    ap.add_argument("--sender", default="teacher@stmarys.sch.uk")
    ap.add_argument("--rcpt", default="social.worker@exampleshire.gov.uk")
    a = ap.parse_args()
    with open(a.message, "rb") as f:
        headers, body = split(f.read())
    answers = Counter()
    left = [a.count]
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if left[0] == 0:
                    return
                left[0] -= 1
            answers[one_message(a.socket, headers, body, a.sender.encode(),
                                a.rcpt.encode())] += 1
    t0 = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(a.conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - t0
    print("%d messages in %.2f s: %.0f msgs/s; answers %s" % (
        a.count, took, a.count / took, dict((k.decode(), v) for k, v in answers.items())))


if __name__ == "__main__":
    main()
