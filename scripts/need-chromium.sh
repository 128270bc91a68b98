#!/usr/bin/env bash
# scripts/need-chromium.sh
#
# Makes sure the Chromium that the browser tests drive (internal/browser) is installed at
# /usr/bin/chromium, Debian's path. The browser tests never skip, so make test runs this first:
#   1. /usr/bin/chromium is there: one line on stderr names it and its version.
#   2. It is missing, and this script runs as root where apt-get is: it installs Debian's chromium
#      package (apt-get update first, since a fresh container has no package lists).
#   3. Otherwise it fails, naming the one command that installs it: apt-get install -y chromium.
# Exit 0 when Chromium is there (at the end), 1 when it is not.
#
# For scripts/need-chromium_test.sh, which must reach cases 2 and 3 on a machine that has Chromium:
# STOREIMPORT_TEST_CHROMIUM replaces /usr/bin/chromium and STOREIMPORT_TEST_APT_GET replaces apt-get.
set -euo pipefail

chromium=${STOREIMPORT_TEST_CHROMIUM:-/usr/bin/chromium}
apt_get=${STOREIMPORT_TEST_APT_GET:-apt-get}
install_command="apt-get install -y chromium"
# chromium --version answers in a fraction of a second; a broken install must not hang make test.
version_timeout=30

say() { printf '%s\n' "$*" >&2; }

fail() {
  say "need-chromium: $*; install it with:"
  say "  $install_command"
  exit 1
}

# found prints the one line that says which Chromium the tests use. Debian's launcher script
# complains on stderr about its own shared-memory check on some machines: that noise is dropped.
found() {
  local version
  if ! version=$(timeout "$version_timeout" "$chromium" --version 2>/dev/null); then
    fail "$chromium is there but does not run ($chromium --version failed)"
  fi
  say "chromium for tests: $chromium ($version)"
}

if [[ -x $chromium ]]; then
  found
  exit 0
fi
if [[ $(id -u) != 0 ]]; then
  fail "the browser tests need Chromium at $chromium, and only root may install it"
fi
if ! command -v "$apt_get" >/dev/null; then
  fail "the browser tests need Chromium at $chromium, and apt-get is not here to install it"
fi
say "need-chromium: $chromium is missing; installing Debian's chromium package"
export DEBIAN_FRONTEND=noninteractive
if ! "$apt_get" update >&2 || ! "$apt_get" install -y chromium >&2; then
  fail "the browser tests need Chromium at $chromium, and apt-get could not install it (see above)"
fi
if [[ ! -x $chromium ]]; then
  fail "apt-get installed the chromium package, but $chromium is still missing"
fi
found
