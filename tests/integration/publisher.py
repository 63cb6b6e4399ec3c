"""publisher: a register publisher's HTTPS server for tests (issue 17).

Serves files by path (the register and its .sig) over TLS with a
certificate from a test CA, on 127.0.0.1 and a free port, and answers the
way a test sets it: serve (with ETag / 304 on If-None-Match), a fixed HTTP
status, a stall longer than the client's timeout, or a flood past any size
limit.  Records every request with its conditional headers.

    srv = Server(cert, key)
    srv.state.update(files={"/register.txt": body, "/register.txt.sig": sig})
"""

import hashlib
import http.server
import ssl
import threading
import time


class Publisher(http.server.BaseHTTPRequestHandler):
    """Answers as state says: files by path, a status, a stall, or a flood."""

    def log_message(self, *a):
        pass

    def do_GET(self):
        st = self.server.state
        st["requests"].append((self.path, self.headers.get("If-None-Match"),
                               self.headers.get("If-Modified-Since")))
        mode = st.get("mode", "serve")
        if mode == "stall":
            time.sleep(self.server.stall)
            return
        if mode == "status":
            self.send_error(st["status"])
            return
        body = st["files"].get(self.path)
        if body is None:
            self.send_error(404)
            return
        etag = '"%s"' % hashlib.sha256(body).hexdigest()[:16]
        if self.path.endswith(".txt") and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        if mode != "flood":
            self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", "Sun, 06 Dec 2026 00:00:00 GMT")
        self.end_headers()
        try:
            self.wfile.write(body)
            if mode == "flood":
                for _ in range(64):
                    self.wfile.write(b"# filler line to make the file too large\n" * 16)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, cert, key, stall=5):
        self.stall = stall
        super().__init__(("127.0.0.1", 0), Publisher)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        self.socket = ctx.wrap_socket(self.socket, server_side=True)
        self.state = {"files": {}, "requests": []}
        threading.Thread(target=self.serve_forever, daemon=True).start()
