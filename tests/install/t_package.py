#!/usr/bin/env python3
"""The Debian package, built and installed as a mail admin would.

1. dpkg-buildpackage -us -uc -b on a clean copy of the source tree (the
   files git knows, plus debian/ if it is not committed yet);
2. lintian on the .deb: no error and no warning (debian/*.lintian-overrides
   says why for each one overridden);
3. the .deb installed with dpkg into a throwaway Debian 12 root, where
   package_check.py checks what postinst made, follows README.Debian's
   steps (register, -n, start as the unit does, Postfix snippets), sends an
   insecure and a secure share through a private Postfix, rotates the audit
   log, stops the milter and purges the package.

The root, by default, is this machine seen through an overlay: its files
read-only underneath, every write (the package, its users, Postfix's queue)
into memory that goes when the test ends; a private mount, PID and network
namespace keeps its Postfix and milter apart from everything else. Quick
enough for CI (make check-integration). `--fresh` (make check-package-fresh)
uses a newly bootstrapped minimal Debian 12 instead (debootstrap, once,
cached in /var/cache/safeshare-lab/bookworm) and installs the .deb with
apt-get, so every dependency comes from the package's own Depends; it needs
the network and a few minutes. Needs root.
"""

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(TOP, "tests", "install")
BASE = "/var/cache/safeshare-lab/bookworm"
n = 0
failed = 0


def check(ok, what, detail=""):
    global n, failed
    n += 1
    failed += 0 if ok else 1
    print("%s %d - %s" % ("ok" if ok else "not ok", n, what))
    if not ok and detail:
        print("".join("# " + l + "\n" for l in str(detail).splitlines()[-40:]), end="")
    sys.stdout.flush()
    return ok


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, **kw)


def source_copy(dest):
    """The tree as it would be committed: no build directories, no
    products of an earlier in-tree build."""
    p = run(["git", "-C", TOP, "ls-files", "-z", "--cached", "--others", "--exclude-standard"])
    if p.returncode == 0:
        for f in p.stdout.split("\0"):
            src = os.path.join(TOP, f)
            if f and os.path.isfile(src):
                os.makedirs(os.path.dirname(os.path.join(dest, f)), exist_ok=True)
                shutil.copy2(src, os.path.join(dest, f))
    else:   # a release tarball: everything but build directories
        shutil.copytree(TOP, dest, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("_build*", ".git", "autom4te.cache"))


def build(tmp):
    src = os.path.join(tmp, "src")
    source_copy(src)
    env = dict(os.environ, DEB_BUILD_OPTIONS="nocheck noddebs parallel=2")
    for v in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(v, None)
    t = time.time()
    p = run(["dpkg-buildpackage", "-us", "-uc", "-b"], cwd=src, env=env, timeout=1800)
    debs = glob.glob(os.path.join(tmp, "safeshare_*.deb"))
    check(p.returncode == 0 and len(debs) == 1,
          "dpkg-buildpackage -us -uc -b builds safeshare_*.deb (%d s)" % (time.time() - t),
          p.stdout)
    return debs[0] if debs else None


def lint(deb):
    # Not --show-overrides: lintian 2.116 then exits 2 for an overridden tag.
    # Each override and its reason: debian/safeshare.lintian-overrides.
    p = run(["lintian", "--fail-on", "error,warning", deb], timeout=600)
    print("".join("# lintian: " + l + "\n" for l in p.stdout.splitlines()
                  if not l.startswith("running with root")), end="")
    bad = [l for l in p.stdout.splitlines() if l[:2] in ("E:", "W:")]
    check(p.returncode == 0 and not bad, "lintian: no error, no warning (exit %d)"
          % p.returncode, p.stdout)


def fresh_base():
    """A minimal Debian 12 (debootstrap --variant=minbase), made once."""
    if os.path.exists(BASE + "/.ready"):
        return True
    mirror = "http://deb.debian.org/debian"
    try:
        for l in open("/etc/apt/sources.list.d/debian.sources"):
            if l.startswith("URIs:"):
                mirror = l.split()[1]
                break
    except OSError:
        pass
    shutil.rmtree(BASE, ignore_errors=True)
    os.makedirs(BASE)
    p = run(["debootstrap", "--variant=minbase", "bookworm", BASE, mirror], timeout=1800)
    if not check(p.returncode == 0, "debootstrap a minimal Debian 12 into %s" % BASE, p.stdout):
        return False
    shutil.copy("/etc/apt/sources.list.d/debian.sources", BASE + "/etc/apt/sources.list.d/") \
        if os.path.exists("/etc/apt/sources.list.d/debian.sources") else None
    open(BASE + "/.ready", "w").close()
    return True


# Runs in a private mount and PID namespace: every mount and process it
# makes goes when it ends. The root is an overlay whose writes go to a tmpfs.
INNER = r"""
set -eu
t=$1 lower=$2 mode=$3
r=$t/root
mkdir -p $t/layer $r
mount -t tmpfs -o size=2g tmpfs $t/layer
mkdir $t/layer/upper $t/layer/work
mount -t overlay overlay -o lowerdir=$lower,upperdir=$t/layer/upper,workdir=$t/layer/work $r
mount --rbind /dev $r/dev; mount --make-rslave $r/dev
mount -t proc proc $r/proc
mount -t tmpfs tmpfs $r/tmp; chmod 1777 $r/tmp
mount -t tmpfs tmpfs $r/run; mkdir -p $r/run/lock
cp $t/safeshare.deb $t/package_check.py $t/pflab.py $r/tmp/
in_root() { chroot $r /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"; }
if [ "$mode" = fresh ]; then
    cp -L /etc/resolv.conf $r/etc/resolv.conf
    echo "postfix postfix/main_mailer_type select No configuration" | in_root debconf-set-selections
    in_root apt-get update -qq
    in_root apt-get install -y -qq --no-install-recommends /tmp/safeshare.deb postfix python3 logrotate
else
    in_root dpkg -i /tmp/safeshare.deb
fi
echo "== installed"
unshare --net sh -c "ip link set lo up && chroot $r /usr/bin/env -i \
    PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 python3 /tmp/package_check.py"
"""


def install_and_check(deb, fresh):
    if fresh and not fresh_base():
        return
    tmp = tempfile.mkdtemp(prefix="safeshare-pkgroot-")
    try:
        shutil.copy(deb, os.path.join(tmp, "safeshare.deb"))
        shutil.copy(os.path.join(HERE, "package_check.py"), tmp)
        shutil.copy(os.path.join(TOP, "tests", "integration", "pflab.py"), tmp)
        p = run(["unshare", "--mount", "--pid", "--fork", "--propagation", "private",
                 "bash", "-c", INNER, "inner", tmp, BASE if fresh else "/",
                 "fresh" if fresh else "overlay"], timeout=1800)
        out = p.stdout
        head, _, tail = out.partition("== installed\n")
        check("== installed\n" in out, "the .deb installs into a %s Debian 12 root"
              % ("newly bootstrapped" if fresh else "throwaway"), out)
        inner_ok = 0
        for l in tail.splitlines():
            if l.startswith("ok "):
                inner_ok += 1
                check(True, l.split(" - ", 1)[1])
            elif l.startswith("not ok "):
                check(False, l.split(" - ", 1)[1])
            elif l.startswith("#"):
                print(l)
        check(p.returncode == 0 and inner_ok > 20, "the check in the root ran to the end",
              tail[-3000:] or out[-3000:])
    finally:
        run(["rm", "-rf", "--one-file-system", tmp])


def main():
    if os.geteuid() != 0:
        check(False, "t_package.py needs root (dpkg, chroot, namespaces)")
    else:
        fresh = "--fresh" in sys.argv
        tmp = tempfile.mkdtemp(prefix="safeshare-pkg-")
        try:
            # --deb FILE: check a package built earlier (while mending the test)
            deb = sys.argv[sys.argv.index("--deb") + 1] if "--deb" in sys.argv else build(tmp)
            if deb:
                lint(deb)
                install_and_check(deb, fresh)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
