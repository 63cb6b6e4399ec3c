#!/bin/sh
# Install the Debian 12 packages safeshare needs to build, test and demo.
# Run as root. Safe to run again: apt-get skips what is already there.
set -eu
PACKAGES="build-essential clang autoconf automake pkg-config
  libmilter-dev libgmime-3.0-dev libglib2.0-dev libssl-dev libcurl4-openssl-dev
  libidn2-dev libcmocka-dev libpoppler-glib-dev libarchive-dev libcsv-dev libseccomp-dev libytnef0-dev
  zlib1g-dev libjson-glib-dev libargon2-dev libmicrohttpd-dev
  libclang-rt-14-dev
  chromium chromium-driver python3-selenium
  postfix python3 man-db m4
  mandoc systemd
  debhelper lintian logrotate iproute2 debootstrap"
if [ "$(id -u)" != 0 ]; then
    echo "install-deps: run as root (it installs Debian packages)" >&2
    exit 2
fi
missing=""
for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "install-deps: installing:$missing"
    # Postfix asks how to configure itself; tests run their own instances.
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# The attachment readers run as their own account (ReaderUser, default
# safeshare-reader); the milter refuses to start as root without it, and
# the demo and the tests start it as root. The Debian package's postinst
# makes the same account; INSTALL tells a source install to.
if ! getent passwd safeshare-reader >/dev/null; then
    echo "install-deps: adding the system user safeshare-reader (the attachment readers' account)"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin safeshare-reader
fi
