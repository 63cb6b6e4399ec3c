#!/usr/bin/env python3
"""Register updates over HTTPS (issue 17), through `safesharectl register update`,
which runs the milter's own pipeline: download -> verify -> parse -> serial
and expiry -> atomic rename.

A local HTTPS server (Python's ssl) with a certificate from a CA made at test
time plays the publisher; each check sets what it answers and then looks at
what an admin would: the exit status and message, and whether the Register
file changed.  No root needed; every server address is 127.0.0.1.
"""

import os
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
sys.dont_write_bytecode = True
import publisher  # noqa: E402
import testca  # noqa: E402

BUILD = os.environ.get("SS_BUILDDIR") or os.getcwd()
CTL = os.path.join(BUILD, "review", "safesharectl")
TIMEOUT = 2          # RegisterFetchTimeout in the test config
MAX_SIZE = 8192      # RegisterMaxSize


def utc(days):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + days * 86400))


def register(serial, extra=""):
    return ("%%format safeshare-register 1\n%%publisher \"Test partnership\"\n"
            "%%serial %d\n%%issued 2020-01-01T00:00:00Z\n%%expires %s\n\n"
            "nhs.net org=\"NHSmail\" basis=nhsmail until=2099-01-01 tls=verify\n%s"
            % (serial, utc(30), extra)).encode()


class T:
    def __init__(self, d):
        self.d = d
        ca = testca.TestCA(d)
        cert, key = ca.issue("localhost", ips=["127.0.0.1"])
        self.server = publisher.Server(cert, key, stall=TIMEOUT + 2)
        self.port = self.server.server_address[1]
        self.anchors = self.p("anchors")
        os.mkdir(self.anchors)
        os.mkdir(self.p("state"))
        os.mkdir(self.p("etc"))
        for name in ("publisher", "stranger"):
            subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out",
                            self.p(name + ".key")], check=True, capture_output=True)
            os.chmod(self.p(name + ".key"), 0o600)
        subprocess.run(["openssl", "pkey", "-in", self.p("publisher.key"), "-pubout", "-out",
                        os.path.join(self.anchors, "publisher.pub")], check=True,
                       capture_output=True)
        with open(self.p("audit.key"), "wb") as f:
            f.write(os.urandom(48))
        os.chmod(self.p("audit.key"), 0o600)
        self.reg = self.p("etc/register.txt")
        self.write_conf(ca.cert)

    def p(self, name):
        return os.path.join(self.d, name)

    def write_conf(self, ca_file):
        self.conf = self.p("safeshare.conf")
        with open(self.conf, "w") as f:
            f.write("Socket unix:%s\nRegister %s\nAuditLog %s\nAuditKey %s\n"
                    "RegisterTrustAnchors %s\nStateDir %s\n"
                    "RegisterURL https://127.0.0.1:%d/register.txt\nRegisterCAFile %s\n"
                    "RegisterFetchTimeout %d\nRegisterMaxSize %d\n"
                    % (self.p("sock"), self.reg, self.p("audit.log"), self.p("audit.key"),
                       self.anchors, self.p("state"), self.port, ca_file, TIMEOUT, MAX_SIZE))

    def publish(self, body, signer="publisher"):
        src = self.p("pub.txt")
        with open(src, "wb") as f:
            f.write(body)
        files = {"/register.txt": body}
        if signer:
            subprocess.run(["openssl", "pkeyutl", "-sign", "-rawin", "-inkey",
                            self.p(signer + ".key"), "-in", src, "-out", src + ".sig"],
                           check=True, capture_output=True)
            with open(src + ".sig", "rb") as f:
                files["/register.txt.sig"] = f.read()
        self.server.state.update(files=files, mode="serve")
        self.server.state["requests"].clear()

    def update(self):
        p = subprocess.run([CTL, "-c", self.conf, "register", "update"], capture_output=True,
                           text=True, timeout=60)
        return p.returncode, p.stdout + p.stderr

    def installed(self):
        try:
            with open(self.reg, "rb") as f:
                return f.read()
        except FileNotFoundError:
            return None


def unchanged(t, before, rc, out, want):
    bad = []
    if rc != 1:
        bad.append("exit %d, not 1" % rc)
    if want not in out:
        bad.append("the message does not say %r" % want)
    if "nothing changed" not in out:
        bad.append("the message does not say nothing changed")
    if t.installed() != before:
        bad.append("the Register file changed")
    return bad, out.splitlines()


def t_200_installed(t):
    body = register(2026120601)
    t.publish(body)
    rc, out = t.update()
    bad = []
    if rc != 0 or "installed serial 2026120601" not in out:
        bad.append("exit %d" % rc)
    if t.installed() != body:
        bad.append("the Register file is not the published bytes")
    with open(t.reg + ".sig", "rb") as f:
        if f.read() != t.server.state["files"]["/register.txt.sig"]:
            bad.append("the signature was not installed beside it")
    return bad, out.splitlines()


def t_304_not_modified(t):
    before = t.installed()
    t.server.state["requests"].clear()
    rc, out = t.update()
    reqs = t.server.state["requests"]
    bad = []
    if rc != 0 or "not changed" not in out:
        bad.append("exit %d" % rc)
    if not reqs or not reqs[0][1] or not reqs[0][2]:
        bad.append("no If-None-Match / If-Modified-Since sent: %r" % reqs)
    if len(reqs) != 1:
        bad.append("%d requests for a 304 (the signature need not be fetched)" % len(reqs))
    if t.installed() != before:
        bad.append("the Register file changed")
    return bad, out.splitlines() + ["requests: %r" % reqs]


def t_newer_installed(t):
    body = register(2026120602, "cjsm.net org=CJSM basis=cjsm until=2099-01-01 tls=verify\n")
    t.publish(body)
    rc, out = t.update()
    bad = [] if rc == 0 and t.installed() == body else ["a newer register was not installed"]
    return bad, out.splitlines()


def t_404(t):
    before = t.installed()
    t.server.state.update(mode="status", status=404)
    rc, out = t.update()
    return unchanged(t, before, rc, out, "HTTP 404")


def t_timeout(t):
    before = t.installed()
    t.server.state.update(mode="stall")
    start = time.monotonic()
    rc, out = t.update()
    took = time.monotonic() - start
    bad, diag = unchanged(t, before, rc, out, "imeout")
    if took > TIMEOUT + 5:
        bad.append("took %.1fs with RegisterFetchTimeout %d" % (took, TIMEOUT))
    return bad, diag


def t_oversize(t):
    before = t.installed()
    t.publish(register(2026120603))
    t.server.state.update(mode="flood")
    rc, out = t.update()
    return unchanged(t, before, rc, out, "larger than RegisterMaxSize")


def t_bad_signature(t):
    before = t.installed()
    t.publish(register(2026120604, "gmail.com org=Gmail basis=psn until=2099-01-01\n"),
              signer="stranger")
    rc, out = t.update()
    return unchanged(t, before, rc, out, "does not verify against any of the 1 trust anchor")


def t_unsigned(t):
    before = t.installed()
    t.publish(register(2026120605), signer=None)
    rc, out = t.update()
    return unchanged(t, before, rc, out, "has no signature")


def t_rollback(t):
    before = t.installed()
    t.publish(register(2026110101))
    rc, out = t.update()
    return unchanged(t, before, rc, out, "(a rollback)")


def t_untrusted_server(t):
    before = t.installed()
    other = testca.TestCA(t.d, name="untrusted-ca")
    t.write_conf(other.cert)
    t.publish(register(2026120606))
    rc, out = t.update()
    t.write_conf(os.path.join(t.d, "safeshare-test-ca.crt"))
    return unchanged(t, before, rc, out, "certificate")


CHECKS = [
    (t_200_installed, "200: a signed register is verified and installed with its signature"),
    (t_304_not_modified, "304: a conditional GET (ETag, If-Modified-Since) changes nothing"),
    (t_newer_installed, "a newer serial replaces the installed register"),
    (t_404, "404: the update fails, is reported, and nothing changes"),
    (t_timeout, "a server that stalls fails within RegisterFetchTimeout and nothing changes"),
    (t_oversize, "a file over RegisterMaxSize is refused and nothing changes"),
    (t_bad_signature, "a register signed by a stranger is refused and nothing changes"),
    (t_unsigned, "an unsigned register is refused when anchors are configured"),
    (t_rollback, "a properly signed older serial is refused (a rollback)"),
    (t_untrusted_server, "a server whose certificate the CA file does not trust is refused"),
]


def main():
    if not os.access(CTL, os.X_OK):
        print("Bail out! need %s" % CTL)
        return 1
    print("1..%d" % len(CHECKS))
    failed = 0
    with tempfile.TemporaryDirectory(prefix="ss-regfetch-") as d:
        t = T(d)
        try:
            for n, (check, desc) in enumerate(CHECKS, 1):
                try:
                    bad, diag = check(t)
                except Exception:
                    bad, diag = ["raised"], traceback.format_exc().splitlines()
                print("%s %d - %s" % ("not ok" if bad else "ok", n, desc), flush=True)
                if bad:
                    failed += 1
                    for ln in bad + diag:
                        print("# " + ln)
        finally:
            t.server.shutdown()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
