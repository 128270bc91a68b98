#!/usr/bin/env bash
# Tests of scripts/test-postgres.sh, run by make test (about 6 s) and alone by make test-scripts.
# They never stop or reconfigure the machine's own PostgreSQL server, which others may be using:
# the throwaway path is reached by pointing STOREIMPORT_TEST_PG_SOCKET_DIR at an empty directory,
# the "not installed" path by pointing STOREIMPORT_TEST_PG_BINDIR_GLOB where nothing is, and the
# local server is only asked "select".
set -euo pipefail
cd "$(dirname "$0")/.."
script=$PWD/scripts/test-postgres.sh

work=$(mktemp -d)
leftover_pgid=
cleanup() {
  # A CMD orphaned on purpose by the SIGKILL case: its own process group, started here.
  if [[ -n $leftover_pgid ]]; then kill -TERM -- "-$leftover_pgid" 2>/dev/null || true; fi
  rm -rf -- "$work"
}
trap cleanup EXIT
empty=$work/empty-socket-dir
mkdir "$empty"

# shellcheck source=scripts/checks.sh
source scripts/checks.sh

# The CMD the script runs: it records the cluster's directory and postmaster pid, then does what
# MODE says.
cat >"$work/cmd.sh" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
url=$STOREIMPORT_TEST_POSTGRES
dir=${url#*host=}
dir=${dir%%&*}
printf '%s\n%s\n' "$dir" "$(head -n 1 "$dir/data/postmaster.pid")" >"$INFO"
case $MODE in
  ok)
    psql -X -q -v ON_ERROR_STOP=1 -d "$url" -c 'CREATE DATABASE x' -c 'DROP DATABASE x'
    echo created-and-dropped >>"$INFO.out"
    # A URL given in STOREIMPORT_TEST_POSTGRES is used as it is...
    "$SCRIPT" run -- printenv STOREIMPORT_TEST_POSTGRES >>"$INFO.out" 2>"$INFO.given-err"
    # ...and refused when its role may not create databases.
    psql -X -q -v ON_ERROR_STOP=1 -d "$url" -c 'CREATE ROLE nocreate LOGIN'
    rc=0
    STOREIMPORT_TEST_POSTGRES="${url/user=postgres/user=nocreate}" \
      "$SCRIPT" run -- touch "$INFO.nocreate-ran" 2>"$INFO.nocreate-err" || rc=$?
    echo "nocreate-rc=$rc" >>"$INFO.out"
    ;;
  fail) exit 7 ;;
  sleep)
    touch "$INFO.ready"
    sleep 60
    ;;
esac
EOF
chmod +x "$work/cmd.sh"
export SCRIPT=$script

# cluster_gone INFO: the cluster whose directory and postmaster pid CMD recorded is no more: no
# directory, no postmaster (a zombie not yet reaped by init counts as gone), no process naming it.
cluster_gone() {
  local dir pid st='' i
  { read -r dir && read -r pid; } <"$1" || return 1
  [[ $dir == */storeimport-pg.* && ! -e $dir ]] || return 1
  for ((i = 0; i < 50; i++)); do # up to 5 s
    st=$(ps -o stat= -p "$pid" 2>/dev/null || true)
    [[ -z $st || $st == Z* ]] && break
    sleep 0.1
  done
  [[ -z $st || $st == Z* ]] && ! pgrep -f -- "$dir" >/dev/null
}

# wait_for FILE SECONDS: bounded wait for a file to appear.
wait_for() {
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    [[ -e $1 ]] && return 0
    sleep 0.1
  done
  return 1
}

local_url='postgres:///postgres?host=/var/run/postgresql&user=postgres'
local_before=no
if psql -X -w -A -t -q -d "$local_url" -c 'select rolsuper or rolcreatedb from pg_roles where rolname = current_user' </dev/null 2>/dev/null | grep -qx t; then
  local_before=yes
fi

echo "== (a) the local server on its default socket"
if [[ $local_before == yes ]]; then
  rc=0
  env -u STOREIMPORT_TEST_POSTGRES -u STOREIMPORT_TEST_PG_SOCKET_DIR -u STOREIMPORT_TEST_PG_BINDIR_GLOB \
    "$script" run -- sh -c 'printenv STOREIMPORT_TEST_POSTGRES; exit 3' >"$work/a.out" 2>"$work/a.err" || rc=$?
  check "CMD's exit code 3 comes back" [ "$rc" = 3 ]
  check "CMD gets the local URL" [ "$(cat "$work/a.out")" = "$local_url" ]
  check "one line says the local server is used" [ "$(cat "$work/a.err")" = "postgres for tests: local server on /var/run/postgresql" ]
  [[ $failed == 0 ]] || show "$work/a.err"
else
  echo "skip (a): no local server on /var/run/postgresql lets role postgres create databases here"
fi

echo "== (b) a throwaway cluster where no server answers"
rc=0
STOREIMPORT_TEST_PG_SOCKET_DIR=$empty MODE=ok INFO=$work/b \
  "$script" run -- "$work/cmd.sh" >"$work/b.stdout" 2>"$work/b.err" || rc=$?
check "exit code 0" [ "$rc" = 0 ]
check "one line names the throwaway cluster" contains "$work/b.err" "postgres for tests: throwaway cluster in /tmp/storeimport-pg."
check "CMD created and dropped a database" contains "$work/b.out" created-and-dropped
check "a given STOREIMPORT_TEST_POSTGRES is passed on as it is" contains "$work/b.out" "postgres:///postgres?host=$(head -n 1 "$work/b")&port=5432&user=postgres"
check "a given STOREIMPORT_TEST_POSTGRES is named" contains "$work/b.given-err" "postgres for tests: STOREIMPORT_TEST_POSTGRES=postgres:///postgres?host="
check "a role that may not create databases is refused" contains "$work/b.out" "nocreate-rc=1"
check "the refusal says why" contains "$work/b.nocreate-err" "may not create databases"
check "the refused CMD did not run" [ ! -e "$work/b.nocreate-ran" ]
check "cluster stopped and its directory deleted" cluster_gone "$work/b"
[[ $rc == 0 ]] || show "$work/b.err"

echo "== (b) ... when CMD fails"
rc=0
STOREIMPORT_TEST_PG_SOCKET_DIR=$empty MODE=fail INFO=$work/bf \
  "$script" run -- "$work/cmd.sh" 2>"$work/bf.err" || rc=$?
check "CMD's exit code 7 comes back" [ "$rc" = 7 ]
check "cluster stopped and its directory deleted" cluster_gone "$work/bf"

echo "== (b) ... when interrupted (SIGINT to the process group, as Ctrl-C sends it)"
# set -m gives the job its own process group (pgid = its pid) and leaves SIGINT to it, which a
# background job of a script without job control would ignore.
set -m
STOREIMPORT_TEST_PG_SOCKET_DIR=$empty MODE=sleep INFO=$work/bi \
  "$script" run -- "$work/cmd.sh" 2>"$work/bi.err" &
pid=$!
set +m
if wait_for "$work/bi.ready" 30; then
  kill -INT -- "-$pid"
  rc=0
  wait "$pid" || rc=$?
  check "exit code 130" [ "$rc" = 130 ]
  check "cluster stopped and its directory deleted" cluster_gone "$work/bi"
else
  bad "CMD never started"
  show "$work/bi.err"
  kill -TERM -- "-$pid" 2>/dev/null || true
  wait "$pid" || true
fi

echo "== (b) ... when the script alone is killed with SIGKILL (the watchdog cleans up)"
set -m
STOREIMPORT_TEST_PG_SOCKET_DIR=$empty MODE=sleep INFO=$work/bk \
  "$script" run -- "$work/cmd.sh" 2>"$work/bk.err" &
pid=$!
set +m
leftover_pgid=$pid
if wait_for "$work/bk.ready" 30; then
  kill -KILL "$pid"
  # (bash's "Killed" notice for the job is expected: not shown)
  { wait "$pid"; } 2>/dev/null || true
  dir=$(head -n 1 "$work/bk")
  for ((i = 0; i < 100; i++)); do # up to 10 s
    [[ -e $dir ]] || break
    sleep 0.1
  done
  check "cluster stopped and its directory deleted, though CMD still runs" cluster_gone "$work/bk"
else
  bad "CMD never started"
  show "$work/bk.err"
fi
kill -TERM -- "-$pid" 2>/dev/null || true
leftover_pgid=

echo "== (c) PostgreSQL not installed"
rc=0
STOREIMPORT_TEST_PG_SOCKET_DIR=$empty STOREIMPORT_TEST_PG_BINDIR_GLOB="$work/nowhere/*/bin" \
  "$script" run -- touch "$work/c.ran" 2>"$work/c.err" || rc=$?
check "exit code non-zero" [ "$rc" != 0 ]
check "names the one command that installs it" contains "$work/c.err" "  apt-get install -y postgresql"
check "CMD did not run" [ ! -e "$work/c.ran" ]
show "$work/c.err"

echo "== (d) STOREIMPORT_TEST_POSTGRES on a port where nothing answers"
rc=0
STOREIMPORT_TEST_POSTGRES='postgres://tester:s3cret-one@127.0.0.1:1/db?password=s3cret-two' \
  "$script" run -- touch "$work/d.ran" 2>"$work/d.err" || rc=$?
check "exit code non-zero" [ "$rc" != 0 ]
check "names the URL" contains "$work/d.err" "STOREIMPORT_TEST_POSTGRES=postgres://tester:xxxxx@127.0.0.1:1/db?password=xxxxx does not answer"
check "prints no password" lacks "$work/d.err" "s3cret"
check "CMD did not run" [ ! -e "$work/d.ran" ]
show "$work/d.err"

if [[ $local_before == yes ]]; then
  check "the machine's own server still answers" \
    psql -X -w -q -d "$local_url" -c 'select 1' </dev/null >/dev/null
fi

summary
