# shellcheck shell=bash
# The assertions of the scripts' own tests (scripts/*_test.sh source it): each check prints one
# "ok" or "FAIL" line and counts it; a test ends with `summary`, whose exit code says whether all
# passed.
passed=0 failed=0
ok() { passed=$((passed + 1)); printf 'ok   %s\n' "$*"; }
bad() { failed=$((failed + 1)); printf 'FAIL %s\n' "$*"; }
check() { # check DESCRIPTION COMMAND...: one assertion
  local what=$1
  shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}
contains() { grep -qF -- "$2" "$1"; }
lacks() { ! grep -qF -- "$2" "$1"; }
show() { sed 's/^/     | /' "$1"; }
summary() {
  echo "scripts: $passed passed, $failed failed"
  [[ $failed == 0 ]]
}
