#!/bin/sh
# Stands in for safeshare-extract in tests/unit/reader/test_worker: misbehaves the
# way the attachment's name (argument 8) asks, so the parent's containment
# can be tested without a test-only hook in the real worker.
case "$8" in
crash*) kill -SEGV $$ ;;
hang*) exec /bin/sleep 60 ;;
junk*) printf 'Xjunk' ;;
noend*) printf 'T\000\000\000\000\000\000\000\002hi' ;;
fail*) exit 1 ;;
esac
exit 0
