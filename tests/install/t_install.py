#!/usr/bin/env python3
"""make install and make uninstall, checked as a mail admin would find them.

Installs the build into a scratch DESTDIR and checks that everything the
admin needs is there (programs, man pages, the sample configuration and
register, the MTA snippets, the systemd units, the tmpfiles.d entry, the
logrotate snippet, the docs), that the units and pages name the paths this
build installs to (systemd-analyze verify, run on the units with those
paths moved into DESTDIR), that every man page is mandoc -Tlint clean and
has FILES, EXAMPLES and SEE ALSO, and that make uninstall leaves nothing.
No root needed.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

BUILD = os.environ.get("SS_BUILDDIR") or os.getcwd()


def make(*args):
    env = dict(os.environ)
    for v in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(v, None)     # not the outer make check's jobserver
    return subprocess.run(["make", "-s", "-C", BUILD] + list(args), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=600, universal_newlines=True)



def dirs():
    """The directories configure chose, fully expanded, from the Makefile."""
    script = "print-var:\n\t@echo $($(V))\n"
    env = dict(os.environ)
    for v in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(v, None)
    got = {}
    for name in ("sbindir", "sysconfdir", "localstatedir", "runstatedir", "libexecdir",
                 "docdir", "mandir", "systemdsystemunitdir", "tmpfilesdir"):
        p = subprocess.run(["make", "-s", "-C", BUILD, "-f", "Makefile", "-f", "-",
                            "print-var", "V=" + name], input=script, env=env,
                           stdout=subprocess.PIPE, universal_newlines=True, timeout=60)
        got[name] = p.stdout.strip()
    return got


def files_under(root):
    return sorted(os.path.relpath(os.path.join(d, f), root)
                  for d, _, fs in os.walk(root) for f in fs)


def expected(d):
    docs = d["docdir"]
    return [d["sbindir"] + "/safeshare-milter", d["sbindir"] + "/safesharectl",
            d["sbindir"] + "/safeshare-review", d["mandir"] + "/man8/safeshare-review.8",
            docs + "/examples/nginx-safeshare-review.conf",
            d["systemdsystemunitdir"] + "/safeshare-review.service",
            d["libexecdir"] + "/safeshare/safeshare-extract",
            d["mandir"] + "/man8/safeshare-milter.8", d["mandir"] + "/man8/safesharectl.8",
            d["mandir"] + "/man5/safeshare.conf.5", d["mandir"] + "/man5/safeshare-register.5",
            d["mandir"] + "/man5/safeshare-quarantine.5",
            d["mandir"] + "/man5/safeshare-audit.5",
            docs + "/INSTALL", docs + "/README.md",
            docs + "/examples/safeshare.conf.sample", docs + "/examples/register.sample",
            docs + "/examples/postfix-master.cf.snippet",
            docs + "/examples/postfix-main.cf.snippet", docs + "/examples/safeshare.m4",
            d["systemdsystemunitdir"] + "/safeshare-milter.service",
            d["systemdsystemunitdir"] + "/safeshare-remind.service",
            d["systemdsystemunitdir"] + "/safeshare-remind.timer",
            d["systemdsystemunitdir"] + "/safeshare-audit-digest.service",
            d["systemdsystemunitdir"] + "/safeshare-audit-digest.timer",
            d["tmpfilesdir"] + "/safeshare.conf",
            d["sysconfdir"] + "/logrotate.d/safeshare"]


class Run:
    def __init__(self, dest, d):
        self.dest, self.d = dest, d

    def path(self, p):
        return self.dest + p


def t_install(r):
    out = make("install", "DESTDIR=" + r.dest)
    if out.returncode != 0:
        return ["make install failed"], out.stdout.splitlines()[-15:]
    have = set("/" + f for f in files_under(r.dest))
    missing = [f for f in expected(r.d) if f not in have]
    return ["not installed: " + f for f in missing], sorted(have)


def t_units_name_installed_paths(r):
    unitdir = r.path(r.d["systemdsystemunitdir"])
    tmp = tempfile.mkdtemp()
    bad, diag = [], []
    try:
        for name in sorted(os.listdir(unitdir)):
            with open(os.path.join(unitdir, name)) as f:
                text = f.read()
            # The programs the unit runs, moved to where DESTDIR put them.
            text = text.replace("=" + r.d["sbindir"] + "/", "=" + r.path(r.d["sbindir"]) + "/")
            with open(os.path.join(tmp, name), "w") as f:
                f.write(text)
        units = [os.path.join(tmp, n) for n in sorted(os.listdir(tmp))]
        env = dict(os.environ, MANPATH=r.path(r.d["mandir"]))
        p = subprocess.run(["systemd-analyze", "verify"] + units, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=120)
        diag = p.stdout.splitlines()
        if p.returncode != 0 or p.stdout.strip():
            bad.append("systemd-analyze verify complained")
    finally:
        shutil.rmtree(tmp)
    return bad, diag


def t_no_placeholder_left(r):
    bad = []
    for f in files_under(r.dest):
        with open(os.path.join(r.dest, f), "rb") as fh:
            data = fh.read()
        if b"\0" in data:
            continue        # a program
        for m in re.finditer(rb"@[a-zA-Z_]+@", data):
            bad.append("%s: %s" % (f, m.group(0).decode()))
    return bad, []


def t_paths_in_pages(r):
    """The pages and the sample say where this build puts things."""
    bad = []
    conf = r.d["sysconfdir"] + "/safeshare/safeshare.conf"
    sample = r.path(r.d["docdir"] + "/examples/safeshare.conf.sample")
    with open(r.path(r.d["mandir"] + "/man8/safeshare-milter.8")) as f:
        page = f.read()
    if conf not in page:
        bad.append("safeshare-milter(8) does not name %s" % conf)
    with open(sample) as f:
        text = f.read()
    for want in ("unix:%s/safeshare/safeshare.sock" % r.d["runstatedir"],
                 "%s/log/safeshare/audit.log" % r.d["localstatedir"]):
        if want not in text:
            bad.append("the sample does not name %s" % want)
    return bad, []


def man_pages(r):
    mandir = r.path(r.d["mandir"])
    return sorted(os.path.join(mandir, s, p) for s in ("man5", "man8")
                  for p in os.listdir(os.path.join(mandir, s)))


def t_mandoc_lint(r):
    bad, diag = [], []
    for page in man_pages(r):
        p = subprocess.run(["mandoc", "-Tlint", page], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True, timeout=60)
        if p.returncode != 0 or p.stdout.strip():
            bad.append("%s is not mandoc -Tlint clean" % os.path.basename(page))
            diag += p.stdout.splitlines()
    return bad, diag


def t_man_sections(r):
    bad = []
    for page in man_pages(r):
        with open(page) as f:
            heads = re.findall(r"^\.SH\s+\"?([^\"\n]+)", f.read(), re.M)
        for want in ("FILES", "EXAMPLES", "SEE ALSO"):
            if want not in heads:
                bad.append("%s has no %s section" % (os.path.basename(page), want))
    return bad, []


def t_uninstall(r):
    out = make("uninstall", "DESTDIR=" + r.dest)
    if out.returncode != 0:
        return ["make uninstall failed"], out.stdout.splitlines()[-15:]
    left = files_under(r.dest)
    ours = [p for p in (r.d["docdir"], r.d["libexecdir"] + "/safeshare")
            if os.path.isdir(r.path(p))]
    return (["left behind: " + f for f in left] + ["directory left: " + p for p in ours]), []


CHECKS = [
    (t_install, "make install puts the programs, man pages, sample configuration and "
                "register, MTA snippets, systemd units, tmpfiles.d entry, logrotate "
                "snippet and docs in place"),
    (t_units_name_installed_paths, "the installed units run the installed programs "
                                   "(systemd-analyze verify)"),
    (t_no_placeholder_left, "no @placeholder@ left in any installed file"),
    (t_paths_in_pages, "the man page and the sample name this build's paths"),
    (t_mandoc_lint, "every man page is mandoc -Tlint clean"),
    (t_man_sections, "every man page has FILES, EXAMPLES and SEE ALSO"),
    (t_uninstall, "make uninstall leaves no file and none of safeshare's own directories"),
]


def main():
    dest = tempfile.mkdtemp(prefix="safeshare-install-")
    r = Run(dest, dirs())
    print("1..%d" % len(CHECKS))
    failed = 0
    try:
        for n, (check, desc) in enumerate(CHECKS, 1):
            bad, diag = check(r)
            print("%s %d - %s" % ("not ok" if bad else "ok", n, desc))
            if bad:
                failed += 1
                for ln in bad + diag[:40]:
                    print("# " + ln)
    finally:
        shutil.rmtree(dest, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
