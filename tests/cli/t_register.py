#!/usr/bin/env python3
"""safesharectl register, as a publisher and a mail admin use it (issue 17).

Keys are made with stock `openssl`, the way the man page tells a publisher
to; every check runs the real safesharectl from the build tree and reads
what a person would read: its output and exit status, and for the MTA
exports what Postfix itself answers (`postmap -q`).  No root needed.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

BUILD = os.environ.get("SS_BUILDDIR") or os.getcwd()
CTL = os.path.join(BUILD, "review", "safesharectl")


def run(*args, conf=None, check=False):
    cmd = [CTL] + (["-c", conf] if conf else ["-c", "/nonexistent.conf"]) + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError("%s exited %d: %s" % (" ".join(args), p.returncode, p.stderr))
    return p.returncode, p.stdout + p.stderr


def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True, timeout=60)


def utc(days):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + days * 86400))


def register(serial, days=30, body=None):
    body = body if body is not None else (
        'nhs.net org="NHSmail" basis=nhsmail until=2099-01-01 tls=verify\n'
        '*.exampleshire.gov.uk org="Exampleshire Council" basis=gov-secure-email '
        'until=2099-01-01 tls=secure match=nexthop:dot-nexthop min=1.3\n'
        'stmarys.sch.uk org="St Mary\'s Primary" basis=local-agreement until=2099-01-01 '
        'tls=dane\n'
        'pinned.nhs.uk org="Pinned" basis=dcb1596 until=2099-01-01 tls=fingerprint '
        'pin=sha256:' + "ab" * 32 + '\n'
        'plain.nhs.uk org="Plain" basis=dcb1596 until=2099-01-01 tls=encrypt\n'
        '!legacy.exampleshire.gov.uk reason="no TLS on this host"\n')
    return ("%%format safeshare-register 1\n%%publisher \"Test partnership\"\n"
            "%%serial %d\n%%issued 2020-01-01T00:00:00Z\n%%expires %s\n\n%s"
            % (serial, utc(days), body))


class T:
    def __init__(self, d):
        self.d = d
        self.anchors = os.path.join(d, "anchors")
        self.state = os.path.join(d, "state")
        os.mkdir(self.anchors)
        os.mkdir(self.state)
        for name in ("publisher", "next", "stranger"):
            key = self.p(name + ".key")
            openssl("genpkey", "-algorithm", "ed25519", "-out", key)
            os.chmod(key, 0o600)
            if name == "publisher":
                openssl("pkey", "-in", key, "-pubout",
                        "-out", os.path.join(self.anchors, name + ".pub"))
        self.conf = self.p("safeshare.conf")
        key = self.p("audit.key")
        with open(key, "wb") as f:
            f.write(os.urandom(48))
        os.chmod(key, 0o600)
        with open(self.conf, "w") as f:
            f.write("Socket unix:%s\nRegister %s\nAuditLog %s\nAuditKey %s\n"
                    "RegisterTrustAnchors %s\nStateDir %s\n"
                    % (self.p("sock"), self.p("register.txt"), self.p("audit.log"), key,
                       self.anchors, self.state))

    def p(self, name):
        return os.path.join(self.d, name)

    def write(self, name, text):
        with open(self.p(name), "w") as f:
            f.write(text)
        return self.p(name)


def t_sign_and_verify(t):
    path = t.write("register.txt", register(2026120601))
    rc, out = run("register", "sign", path, "--key", t.p("publisher.key"))
    bad = [] if rc == 0 and "signed" in out else ["sign exited %d" % rc]
    openssl("pkeyutl", "-verify", "-pubin", "-inkey", os.path.join(t.anchors, "publisher.pub"),
            "-rawin", "-in", path, "-sigfile", path + ".sig")
    rc, out2 = run("register", "verify", path, conf=t.conf)
    if rc != 0 or "signature good, made by trust anchor publisher.pub" not in out2:
        bad.append("verify of a good signature: %d" % rc)
    rc, out3 = run("register", "check", path, conf=t.conf)
    if rc != 0 or "OK, serial 2026120601" not in out3 or "signed by trust anchor" not in out3:
        bad.append("check of a good signed register: %d" % rc)
    return bad, (out + out2 + out3).splitlines()


def t_wrong_key_and_tamper_refused(t):
    path = t.write("register.txt", register(2026120601))
    run("register", "sign", path, "--key", t.p("stranger.key"), check=True)
    bad, diag = [], []
    rc, out = run("register", "verify", path, conf=t.conf)
    diag += out.splitlines()
    if rc != 1 or "signature BAD" not in out:
        bad.append("a stranger's signature: exit %d" % rc)
    rc, out = run("register", "check", path, conf=t.conf)
    diag += out.splitlines()
    if rc != 2 or "refused: the signature does not verify" not in out:
        bad.append("check of a stranger's signature: exit %d" % rc)
    run("register", "sign", path, "--key", t.p("publisher.key"), check=True)
    with open(path, "a") as f:
        f.write("gmail.com org=\"x\" basis=psn until=2099-01-01\n")
    rc, out = run("register", "check", path, conf=t.conf)
    diag += out.splitlines()
    if rc != 2 or "does not verify" not in out:
        bad.append("a line added after signing: exit %d" % rc)
    return bad, diag


def t_rotation(t):
    path = t.write("register.txt", register(2026120601))
    run("register", "sign", path, "--key", t.p("next.key"), check=True)
    bad, diag = [], []
    rc, out = run("register", "check", path, conf=t.conf)
    diag += out.splitlines()
    if rc != 2:
        bad.append("signed by the next key before its anchor is installed: exit %d" % rc)
    openssl("pkey", "-in", t.p("next.key"), "-pubout",
            "-out", os.path.join(t.anchors, "next.pub"))
    rc, out = run("register", "check", path, conf=t.conf)
    diag += out.splitlines()
    if rc != 0 or "signed by trust anchor next.pub" not in out:
        bad.append("signed by the next key with both anchors: exit %d" % rc)
    os.unlink(os.path.join(t.anchors, "publisher.pub"))
    run("register", "sign", path, "--key", t.p("publisher.key"), check=True)
    rc, out = run("register", "check", path, conf=t.conf)
    diag += out.splitlines()
    if rc != 2:
        bad.append("signed by the retired key after its anchor went: exit %d" % rc)
    # put the anchors back as they were for the checks that follow
    openssl("pkey", "-in", t.p("publisher.key"), "-pubout",
            "-out", os.path.join(t.anchors, "publisher.pub"))
    os.unlink(os.path.join(t.anchors, "next.pub"))
    return bad, diag


def t_empty_and_unfinished_refused(t):
    bad, diag = [], []
    for text, want in (("%format safeshare-register 1\n", "no %serial"),
                       (register(2026120601, body=""), "no entries"),
                       (register(2026120601, days=-1), "it expired at")):
        path = t.write("draft.txt", text)
        rc, out = run("register", "sign", path, "--key", t.p("publisher.key"))
        diag += out.splitlines()
        if rc != 2 or want not in out or os.path.exists(path + ".sig"):
            bad.append("sign of a register with %s: exit %d" % (want, rc))
        rc, out = run("register", "check", path)
        diag += out.splitlines()
        if rc != 2 or want not in out:
            bad.append("check of a register with %s: exit %d" % (want, rc))
    return bad, diag


def t_rollback_refused_by_check(t):
    with open(os.path.join(t.state, "register.last-good"), "w") as f:
        f.write("# test\nserial 2026120601\nsha256 %s\n" % ("0" * 64))
    path = t.write("old.txt", register(2026110101))
    run("register", "sign", path, "--key", t.p("publisher.key"), check=True)
    rc, out = run("register", "check", path, conf=t.conf)
    os.unlink(os.path.join(t.state, "register.last-good"))
    bad = [] if rc == 2 and "(a rollback)" in out else ["check of a rollback: exit %d" % rc]
    return bad, out.splitlines()


def t_lint_warnings(t):
    soon = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 5 * 86400))
    path = t.write("lint.txt", register(2026120601, body=(
        'a.x.gov.uk org="X" basis=psn until=2099-01-01 tls=verify\n'
        '!a.x.gov.uk reason="moved"\n'
        'b.nhs.uk org="B" basis=dcb1596 until=%s tls=verify\n'
        'c.nhs.uk org="C" basis=dcb1596 until=2099-01-01\n' % soon)))
    rc, out = run("register", "check", path)
    bad = []
    for want in ("lint.txt:7: pattern: a.x.gov.uk never applies",
                 "lint.txt:9: until: b.nhs.uk expires on %s, within 30 days" % soon,
                 "lint.txt:10: tls: c.nhs.uk has no tls="):
        if want not in out:
            bad.append("missing warning: " + want)
    if rc != 0:
        bad.append("warnings alone exit %d, not 0" % rc)
    rc, _ = run("register", "check", path, "--strict")
    if rc != 1:
        bad.append("--strict with warnings exits %d, not 1" % rc)
    return bad, out.splitlines()


def t_diff(t):
    old = t.write("old.txt", register(2026120601))
    new = t.write("new.txt", register(2026120701).replace(
        "nhs.net org=\"NHSmail\" basis=nhsmail until=2099-01-01 tls=verify",
        "nhs.net org=\"NHSmail\" basis=nhsmail until=2099-03-31 tls=secure").replace(
        "plain.nhs.uk", "leeds.nhs.uk"))
    rc, out = run("register", "diff", old, new)
    bad = []
    for want in ("serial     2026120601 -> 2026120701", "added (1):", "+ leeds.nhs.uk",
                 "removed (1):", "- plain.nhs.uk", "changed (1):",
                 "~ nhs.net", "until 2099-01-01 -> 2099-03-31; tls verify -> secure"):
        if want not in out:
            bad.append("diff lacks %r" % want)
    if rc != 1:
        bad.append("diff of different registers exits %d, not 1" % rc)
    rc, out2 = run("register", "diff", old, old)
    if rc != 0 or "no entry changed" not in out2:
        bad.append("diff of a register with itself: exit %d" % rc)
    rc, out3 = run("register", "diff", new, old)
    if "NOT HIGHER" not in out3:
        bad.append("diff towards a lower serial does not warn")
    return bad, (out + out3).splitlines()


def postmap_q(conf_dir, key, table):
    p = subprocess.run(["postmap", "-c", conf_dir, "-q", key, table], capture_output=True,
                       text=True, timeout=30)
    return p.stdout.strip() if p.returncode == 0 else None


def t_export_postfix(t):
    path = t.write("register.txt", register(2026120601))
    run("register", "sign", path, "--key", t.p("publisher.key"), check=True)
    table = t.p("tls_policy")
    rc, out = run("register", "export-postfix", "--out", table, conf=t.conf)
    if rc != 0:
        return ["export-postfix exited %d" % rc], out.splitlines()
    pf = t.p("postfix")
    os.makedirs(pf, exist_ok=True)
    with open(os.path.join(pf, "main.cf"), "w") as f:
        f.write("compatibility_level = 3.6\n")
    p = subprocess.run(["postmap", "-c", pf, "hash:" + table], capture_output=True, text=True)
    bad = [] if p.returncode == 0 and not p.stderr else ["postmap: " + p.stderr.strip()]
    want = {
        "nhs.net": "verify protocols=>=TLSv1.2",
        ".exampleshire.gov.uk": "secure protocols=>=TLSv1.3 match=nexthop:dot-nexthop",
        "stmarys.sch.uk": "dane-only protocols=>=TLSv1.2",
        "pinned.nhs.uk": "fingerprint protocols=>=TLSv1.2 match=" + ":".join(["AB"] * 32),
        "plain.nhs.uk": "encrypt protocols=>=TLSv1.2",
        "legacy.exampleshire.gov.uk": "may",
        "exampleshire.gov.uk": None,      # "*.x" never covers x itself
        "gmail.com": None,
    }
    for key, value in want.items():
        got = postmap_q(pf, key, "hash:" + table)
        if got != value:
            bad.append("postmap -q %s: %r, expected %r" % (key, got, value))
    with open(table) as f:
        text = f.read()
    for caveat in ("relayhost", "Microsoft 365", "MTA-STS", "deferred"):
        if caveat not in text:
            bad.append("the table does not carry the %s caveat" % caveat)
    return bad, text.splitlines()[-8:]


def t_export_sendmail(t):
    path = t.write("register.txt", register(2026120601))
    run("register", "sign", path, "--key", t.p("publisher.key"), check=True)
    access = t.p("access")
    rc, out = run("register", "export-sendmail", path, "--out", access, conf=t.conf)
    if rc != 0:
        return ["export-sendmail exited %d" % rc], out.splitlines()
    pf = t.p("postfix")
    os.makedirs(pf, exist_ok=True)
    with open(os.path.join(pf, "main.cf"), "w") as f:
        f.write("compatibility_level = 3.6\n")
    bad = []
    for key, value in (("TLS_Srv:nhs.net", "VERIFY:112"), ("TLS_Srv:plain.nhs.uk", "ENCR:112"),
                       ("TLS_Srv:exampleshire.gov.uk", "VERIFY:112"),
                       ("TLS_Srv:gmail.com", None)):
        got = postmap_q(pf, key, "texthash:" + access)
        if got != value:
            bad.append("postmap -q %s: %r, expected %r" % (key, got, value))
    with open(access) as f:
        text = f.read()
    if "host name" not in text or "TLS_Rcpt" not in text:
        bad.append("the access entries do not carry their caveats")
    return bad, text.splitlines()[-8:]


def t_export_refuses_bad_register(t):
    path = t.write("register.txt", register(2026120601))
    run("register", "sign", path, "--key", t.p("stranger.key"), check=True)
    rc, out = run("register", "export-postfix", conf=t.conf)
    bad = [] if rc == 2 and "refused" in out and "nhs.net" not in out \
        else ["export of a wrongly signed register: exit %d" % rc]
    return bad, out.splitlines()


def t_import_dcb1596(t):
    csv = t.write("dcb1596.csv",
                  "Organisation Name,ODS Code,Email Domain\r\n"
                  "\"Leeds Teaching Hospitals NHS Trust\",RR8,LeedsTH.NHS.uk\r\n"
                  "\"St Elsewhere, \"\"the\"\" hospital\",RX1,elsewhere.nhs.uk\r\n"
                  "Not a domain,XX1,not a domain\r\n"
                  "Retired,XX2,unit.gsi.gov.uk\r\n"
                  "Again,RR8,leedsth.nhs.uk\r\n")
    draft = t.p("draft.txt")
    rc, out = run("register", "import-dcb1596", csv, "--map",
                  "domain=Email Domain,org=Organisation Name,ods=ODS Code", "--out", draft)
    if rc != 0:
        return ["import exited %d" % rc], out.splitlines()
    with open(draft) as f:
        text = f.read()
    year = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 365 * 86400))
    bad = []
    for want in ('leedsth.nhs.uk org="Leeds Teaching Hospitals NHS Trust" basis=dcb1596 '
                 'until=%s ods=RR8' % year,
                 'elsewhere.nhs.uk org="St Elsewhere, \'the\' hospital" basis=dcb1596',
                 '# row 4: "not a domain" is not a domain name: left out',
                 '# row 5: unit.gsi.gov.uk: left out', '# row 6: leedsth.nhs.uk is listed again',
                 "DRAFT", "unsigned"):
        if want not in text:
            bad.append("draft lacks %r" % want)
    if os.path.exists(draft + ".sig"):
        bad.append("the draft was signed")
    rc, out2 = run("register", "check", draft)
    if rc != 0:
        bad.append("the draft does not pass register check: " + out2)
    rc, out3 = run("register", "import-dcb1596", csv, "--map", "domain=3,org=1", "--tls",
                   "verify")
    if "leedsth.nhs.uk org=\"Leeds Teaching Hospitals NHS Trust\"" not in out3 or \
            "tls=verify" not in out3:
        bad.append("--map by column number with --tls did not work")
    return bad, text.splitlines()


CHECKS = [
    (t_sign_and_verify, "a register signed with safesharectl verifies with stock openssl, "
                        "verify and check"),
    (t_wrong_key_and_tamper_refused, "a stranger's signature and a line added after signing "
                                     "are refused"),
    (t_rotation, "two anchors allow key rotation; a retired key stops verifying"),
    (t_empty_and_unfinished_refused, "a %format-only, entry-less or expired register is "
                                     "neither signed nor passed by check"),
    (t_rollback_refused_by_check, "check refuses a serial below the last good one in StateDir"),
    (t_lint_warnings, "check warns about a shadowed entry, one expiring within 30 days and "
                      "a missing tls=; --strict turns warnings into exit 1"),
    (t_diff, "diff says what was added, removed and changed, and warns of a lower serial"),
    (t_export_postfix, "export-postfix writes a table postmap compiles and answers per entry"),
    (t_export_sendmail, "export-sendmail writes TLS_Srv entries postmap -q answers"),
    (t_export_refuses_bad_register, "nothing is exported from a register the milter would "
                                    "refuse"),
    (t_import_dcb1596, "import-dcb1596 turns a CSV into an unsigned draft that passes check"),
]


def main():
    if not os.access(CTL, os.X_OK) or not shutil.which("postmap"):
        print("Bail out! need %s and postmap" % CTL)
        return 1
    print("1..%d" % len(CHECKS))
    failed = 0
    with tempfile.TemporaryDirectory(prefix="ss-regcli-") as d:
        t = T(d)
        for n, (check, desc) in enumerate(CHECKS, 1):
            try:
                bad, diag = check(t)
            except Exception:
                bad, diag = ["raised"], traceback.format_exc().splitlines()
            print("%s %d - %s" % ("not ok" if bad else "ok", n, desc))
            if bad:
                failed += 1
                for ln in bad + diag:
                    print("# " + ln)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.dont_write_bytecode = True
    sys.exit(main())
