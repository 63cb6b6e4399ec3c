#!/bin/sh
# fetch-sendmail.sh DIR -- download Debian's Sendmail .debs and unpack them
# into DIR/root, without installing them (sendmail-bin conflicts with the
# system's postfix through mail-transport-agent, so dpkg -i is not an option).
# The Sendmail integration tests (tests/integration/smlab.py) run the
# daemon from there; contrib/run-tests.sh calls this before them.
#
#   DIR/debs/   the downloaded .debs (kept, so a rerun does not download)
#   DIR/root/   the unpacked tree: usr/libexec/sendmail/sendmail,
#               usr/share/sendmail/cf/..., usr/lib/x86_64-linux-gnu/lib*.so
#   DIR/env     shell lines the lab can source: SM_BIN, SM_CF_DIR, SM_LIBDIR
#   DIR/.stamp  what was unpacked; a rerun with the same versions does nothing
#
# Idempotent: run it as often as you like; it redownloads only when apt's
# candidate version changed or a .deb is missing, and re-unpacks only then.
# Needs: apt-get, dpkg-deb, m4 on PATH; runs `apt-get update` once when
# apt has no lists (a fresh container).  Two runs at once take turns (flock).
# Exits non-zero with a message naming the package when something is missing.
set -eu

PACKAGES="sendmail-bin sendmail-base sendmail-cf"
# Runtime libraries of sendmail-bin that a Postfix-only Debian 12 usually lacks.
# They are unpacked privately (the lab sets LD_LIBRARY_PATH), so the system is
# never changed; the ldd check below catches any other missing library.
LIBPACKAGES="liblockfile1 libwrap0"
EXTRA_PACKAGES=${EXTRA_PACKAGES:-}   # more .debs to unpack beside them, if ever needed

die() { echo "fetch-sendmail: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 DIR"
DIR=$1
mkdir -p "$DIR" || die "cannot create $DIR"
DIR=$(cd "$DIR" && pwd)
DEBS=$DIR/debs
ROOT=$DIR/root
mkdir -p "$DEBS"
if [ -z "${FETCH_SENDMAIL_LOCKED:-}" ] && command -v flock >/dev/null; then
    FETCH_SENDMAIL_LOCKED=1 exec flock "$DIR/.lock" sh "$0" "$DIR"
fi

command -v apt-get >/dev/null || die "apt-get not found (this recipe is for Debian)"
command -v dpkg-deb >/dev/null || die "dpkg-deb not found"
command -v m4 >/dev/null || die "m4 not found: apt-get install m4 (it builds sendmail.cf)"

# Resolve every package to apt's candidate version first (one apt-cache call),
# so a missing one fails before anything is downloaded.
resolve() {
    policy=$(apt-cache policy $PACKAGES $LIBPACKAGES $EXTRA_PACKAGES 2>/dev/null \
             | awk '/^[^ ].*:$/ { p = substr($0, 1, length($0) - 1) }
                    /^  Candidate:/ { print p, $2 }')
    want="" missing=""
    for p in $PACKAGES $LIBPACKAGES $EXTRA_PACKAGES; do
        v=$(printf '%s\n' "$policy" | awk -v p="$p" '$1 == p { print $2 }')
        if [ -z "$v" ] || [ "$v" = "(none)" ]; then
            missing="$missing $p"
        fi
        want="$want $p=$v"
    done
    want=${want# }
}
resolve
if [ -n "$missing" ] && [ "$(id -u)" = 0 ]; then
    echo "fetch-sendmail: apt knows no version of$missing: running apt-get update"
    apt-get update -qq >"$DEBS/.apt.log" 2>&1 || cat "$DEBS/.apt.log" >&2
    resolve
fi
[ -z "$missing" ] || die "package(s)$missing have no candidate version: run 'apt-get update' (needs the Debian mirror) and retry"

if [ -f "$DIR/.stamp" ] && [ "$(cat "$DIR/.stamp")" = "$want" ] \
   && [ -x "$ROOT/usr/libexec/sendmail/sendmail" ]; then
    echo "fetch-sendmail: already unpacked in $ROOT ($want)"
    exit 0
fi

# apt's _apt sandbox user must be able to write here, or apt warns and falls
# back to root; saying root up front keeps the output clean.
for pv in $want; do
    p=${pv%%=*}; v=${pv#*=}
    # .deb file names encode the epoch's colon as %3a
    fv=$(printf '%s' "$v" | sed 's/:/%3a/')
    if ls "$DEBS/${p}_${fv}_"*.deb >/dev/null 2>&1; then
        continue
    fi
    echo "fetch-sendmail: downloading $p $v"
    if ! (cd "$DEBS" && apt-get -q -o APT::Sandbox::User=root download "$p=$v") \
            >"$DEBS/.apt.log" 2>&1; then
        cat "$DEBS/.apt.log" >&2
        die "could not download $p=$v (is the Debian mirror reachable? try 'apt-get update')"
    fi
    ls "$DEBS/${p}_${fv}_"*.deb >/dev/null 2>&1 || die "apt-get download $p=$v produced no .deb"
done

rm -rf "$ROOT.new"
mkdir -p "$ROOT.new"
for pv in $want; do
    p=${pv%%=*}; v=${pv#*=}
    fv=$(printf '%s' "$v" | sed 's/:/%3a/')
    for deb in "$DEBS/${p}_${fv}_"*.deb; do
        dpkg-deb -x "$deb" "$ROOT.new" || die "dpkg-deb -x $deb failed (corrupt download? delete it and rerun)"
    done
done

SM=$ROOT.new/usr/libexec/sendmail/sendmail
[ -x "$SM" ] || die "sendmail-bin did not contain usr/libexec/sendmail/sendmail"
# The .deb ships sendmail setgid mail (2755).  A set-id binary runs in glibc's
# secure mode even for root (egid != rgid), which ignores LD_LIBRARY_PATH and
# so could not load the private liblockfile/libwrap.  The lab runs the daemon
# as root, so drop the set-id bits on the private copy.
chmod 0755 "$SM" "$ROOT.new/usr/libexec/sendmail/mailstats" 2>/dev/null || true

LIBDIR=$ROOT/usr/lib/x86_64-linux-gnu
missing=$(LD_LIBRARY_PATH=$ROOT.new/usr/lib/x86_64-linux-gnu ldd "$SM" | sed -n 's/^[[:space:]]*\([^ ]*\) => not found.*/\1/p')
[ -z "$missing" ] || die "sendmail needs libraries that are neither installed nor fetched: $missing (add their packages to LIBPACKAGES in $0)"

rm -rf "$ROOT"
mv "$ROOT.new" "$ROOT"
cat >"$DIR/env" <<EOF
SM_ROOT='$ROOT'
SM_BIN='$ROOT/usr/libexec/sendmail/sendmail'
SM_MAKEMAP='$ROOT/usr/libexec/sendmail/makemap'
SM_CF_DIR='$ROOT/usr/share/sendmail/cf'
SM_LIBDIR='$LIBDIR'
EOF
printf '%s\n' "$want" >"$DIR/.stamp"
echo "fetch-sendmail: unpacked $want into $ROOT"
