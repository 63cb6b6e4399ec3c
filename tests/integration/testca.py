"""testca: a certificate authority made at test time with stock openssl.

Tests that need TLS (the register's HTTPS server, the TLS sink behind a
private Postfix) get a fresh CA and server certificates for the names they
ask for; nothing is shipped, nothing outlives the test's directory.

    ca = TestCA(dirpath)
    cert, key = ca.issue("nhs.net", ips=["127.0.0.1"])
    other = TestCA(dirpath, name="untrusted")   # a CA nobody trusts
"""

import os
import subprocess


class TestCA:
    def __init__(self, directory, name="safeshare-test-ca"):
        self.dir = directory
        self.name = name
        self.key = os.path.join(directory, name + ".key")
        self.cert = os.path.join(directory, name + ".crt")
        self._openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                      "-nodes", "-keyout", self.key, "-out", self.cert, "-days", "2",
                      "-subj", "/CN=%s" % name,
                      "-addext", "basicConstraints=critical,CA:TRUE",
                      "-addext", "keyUsage=critical,keyCertSign,cRLSign")

    @staticmethod
    def _openssl(*args):
        p = subprocess.run(["openssl"] + list(args), capture_output=True, timeout=60)
        if p.returncode != 0:
            raise RuntimeError("openssl %s failed: %s" % (args[0], p.stderr.decode()))

    def issue(self, cn, names=(), ips=()):
        """A server certificate for cn (and the other names and IPs), signed
        by this CA. Returns (cert path, key path)."""
        base = os.path.join(self.dir, "%s-%s" % (self.name, cn.replace("*", "star")))
        key, csr, cert, ext = base + ".key", base + ".csr", base + ".crt", base + ".ext"
        san = ["DNS:" + n for n in (cn,) + tuple(names)] + ["IP:" + ip for ip in ips]
        with open(ext, "w") as f:
            f.write("subjectAltName=%s\nextendedKeyUsage=serverAuth\n"
                    "basicConstraints=CA:FALSE\n" % ",".join(san))
        self._openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                      "-keyout", key, "-out", csr, "-subj", "/CN=%s" % cn)
        self._openssl("x509", "-req", "-in", csr, "-CA", self.cert, "-CAkey", self.key,
                      "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", ext)
        return cert, key
