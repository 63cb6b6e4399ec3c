#!/bin/sh
# The demo: install, build, then a throwaway Postfix on loopback with
# safeshare-milter in front of a sink, a few practitioners' messages sent
# through it, and each decision printed as the sender would see it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
./contrib/install-deps.sh
echo "building safeshare ..."
./contrib/build.sh "$top/_build" --enable-werror
exec env SS_BUILDDIR="$top/_build" SS_TESTDATA="$top/tests/data" python3 contrib/demo.py
