#!/usr/bin/env bash
# Tests of scripts/need-chromium.sh, run by make test (well under 1 s) and alone by make test-scripts.
# They never install or remove the machine's Chromium: STOREIMPORT_TEST_CHROMIUM points at a fake
# chromium (or where none is) and STOREIMPORT_TEST_APT_GET at a fake apt-get that writes down how it
# was called and, when told to, "installs" the fake chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
script=$PWD/scripts/need-chromium.sh

work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
# The not-root case runs the script as nobody, who must reach the fakes.
chmod 755 "$work"

# shellcheck source=scripts/checks.sh
source scripts/checks.sh

# A chromium that answers --version as Debian's does.
cat >"$work/fake-chromium" <<'EOF'
#!/bin/sh
echo "Chromium 1.2.3 built on Debian GNU/Linux"
EOF
chmod 755 "$work/fake-chromium"
printf '#!/bin/sh\nexit 1\n' >"$work/broken-chromium"
chmod 755 "$work/broken-chromium"

# The fake apt-get appends its arguments to $APT_LOG, copies the fake chromium to $CHROMIUM_TO when
# its install succeeds (with INSTALLS=yes), and fails its install with APT_RC.
cat >"$work/fake-apt-get" <<EOF
#!/usr/bin/env bash
echo "\$*" >>"\$APT_LOG"
if [[ \$1 == install ]]; then
  [[ \${INSTALLS:-} == yes ]] && cp "$work/fake-chromium" "\$CHROMIUM_TO"
  exit "\${APT_RC:-0}"
fi
EOF
chmod 755 "$work/fake-apt-get"

# run NAME [VAR=VALUE...]: the script with the fakes, its exit code in $rc, stderr in $work/NAME.err.
run() {
  local name=$1
  shift
  rc=0
  env STOREIMPORT_TEST_APT_GET="$work/fake-apt-get" APT_LOG="$work/$name.apt" "$@" \
    "$script" 2>"$work/$name.err" || rc=$?
}

echo "== (a) Chromium is there"
run a STOREIMPORT_TEST_CHROMIUM="$work/fake-chromium"
check "exit code 0" [ "$rc" = 0 ]
check "one line names it and its version" \
  [ "$(cat "$work/a.err")" = "chromium for tests: $work/fake-chromium (Chromium 1.2.3 built on Debian GNU/Linux)" ]
check "apt-get was not called" [ ! -e "$work/a.apt" ]

echo "== (b) missing, as root with apt-get: it is installed"
if [[ $(id -u) == 0 ]]; then
  run b STOREIMPORT_TEST_CHROMIUM="$work/b-chromium" CHROMIUM_TO="$work/b-chromium" INSTALLS=yes
  check "exit code 0" [ "$rc" = 0 ]
  check "apt-get update, then apt-get install -y chromium" [ "$(cat "$work/b.apt")" = $'update\ninstall -y chromium' ]
  check "says it installs" contains "$work/b.err" "$work/b-chromium is missing; installing Debian's chromium package"
  check "names the installed one" contains "$work/b.err" "chromium for tests: $work/b-chromium (Chromium 1.2.3"
  [[ $rc == 0 ]] || show "$work/b.err"
else
  echo "skip (b): only root may install, and these tests run as $(id -un)"
fi

echo "== (c) missing, and apt-get fails"
if [[ $(id -u) == 0 ]]; then
  run c STOREIMPORT_TEST_CHROMIUM="$work/c-chromium" APT_RC=100
  check "exit code 1" [ "$rc" = 1 ]
  check "apt-get install was tried" contains "$work/c.apt" "install -y chromium"
  check "names the one command that installs it" contains "$work/c.err" "  apt-get install -y chromium"
  show "$work/c.err"
fi

echo "== (d) missing, and apt-get installs a package that does not put it there"
if [[ $(id -u) == 0 ]]; then
  run d STOREIMPORT_TEST_CHROMIUM="$work/d-chromium"
  check "exit code 1" [ "$rc" = 1 ]
  check "says it is still missing" contains "$work/d.err" "$work/d-chromium is still missing"
  check "names the one command that installs it" contains "$work/d.err" "  apt-get install -y chromium"
fi

echo "== (e) missing, and no apt-get"
run e STOREIMPORT_TEST_CHROMIUM="$work/e-chromium" STOREIMPORT_TEST_APT_GET="$work/nowhere/apt-get"
check "exit code 1" [ "$rc" = 1 ]
check "names the one command that installs it" contains "$work/e.err" "  apt-get install -y chromium"
check "nothing was installed" [ ! -e "$work/e-chromium" ]
show "$work/e.err"

echo "== (f) missing, not root"
# As root, the script runs as nobody; otherwise it already runs as a user who may not install.
as_user=()
if [[ $(id -u) == 0 ]]; then as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups --); fi
rc=0
"${as_user[@]}" env STOREIMPORT_TEST_CHROMIUM="$work/f-chromium" STOREIMPORT_TEST_APT_GET="$work/fake-apt-get" \
  APT_LOG=/dev/null CHROMIUM_TO="$work/f-chromium" INSTALLS=yes "$script" 2>"$work/f.err" || rc=$?
check "exit code 1" [ "$rc" = 1 ]
check "says only root may install it" contains "$work/f.err" "only root may install it"
check "names the one command that installs it" contains "$work/f.err" "  apt-get install -y chromium"
check "apt-get was not called" [ ! -e "$work/f-chromium" ]

echo "== (g) there, but it does not run"
run g STOREIMPORT_TEST_CHROMIUM="$work/broken-chromium"
check "exit code 1" [ "$rc" = 1 ]
check "says it does not run" contains "$work/g.err" "$work/broken-chromium is there but does not run"
check "apt-get was not called" [ ! -e "$work/g.apt" ]

summary
