"""A stand-in for Dovecot's authentication service, so the lab's Postfix can
offer SMTP AUTH (smtpd_sasl_type = dovecot) without installing Dovecot.

Postfix speaks Dovecot's auth protocol (version 1) over a unix socket:
the server announces its mechanisms, Postfix sends
"AUTH <id> PLAIN service=smtp ... resp=<base64>" and gets "OK <id> user=..."
or "FAIL <id> ...".  Only PLAIN, with a fixed table of users, which is all
the lab needs to make a client authenticated in the milter's eyes
({auth_authen}).
"""

import base64
import os
import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    timeout = 30

    def send(self, *fields):
        self.wfile.write(("\t".join(fields) + "\n").encode())

    def handle(self):
        self.send("VERSION", "1", "2")
        self.send("MECH", "PLAIN", "plaintext")
        self.send("SPID", str(os.getpid()))
        self.send("CUID", "1")
        self.send("COOKIE", "0" * 32)
        self.send("DONE")
        pending = {}
        for raw in self.rfile:
            f = raw.decode("utf-8", "replace").rstrip("\n").split("\t")
            if f[0] == "AUTH" and len(f) >= 3:
                args = dict(a.split("=", 1) for a in f[3:] if "=" in a)
                if f[2] != "PLAIN":
                    self.send("FAIL", f[1], "reason=mechanism not offered")
                elif "resp" in args:
                    self.answer(f[1], args["resp"])
                else:
                    pending[f[1]] = True
                    self.send("CONT", f[1], "")
            elif f[0] == "CONT" and len(f) >= 3 and pending.pop(f[1], None):
                self.answer(f[1], f[2])

    def answer(self, rid, b64):
        try:
            _, user, password = base64.b64decode(b64).decode().split("\0")
        except ValueError:
            self.send("FAIL", rid, "reason=malformed PLAIN response")
            return
        if self.server.users.get(user) == password:
            self.send("OK", rid, "user=" + user)
        else:
            self.send("FAIL", rid, "user=" + user, "reason=wrong password")


class DovecotAuth(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """users: {login: password}. Listens on path (mode 0666: smtpd runs as
    postfix) until close()."""

    daemon_threads = True

    def __init__(self, path, users):
        self.users = dict(users)
        super().__init__(path, _Handler)
        os.chmod(path, 0o666)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.shutdown()
        self.server_close()
