#!/usr/bin/env bash
# scripts/test-postgres.sh run -- CMD ARGS...
#
# Runs CMD (make test's go test) with STOREIMPORT_TEST_POSTGRES exported to the URL of a PostgreSQL
# server that answers and on which the tests may create and drop databases (internal/pgtest makes a
# database per test). The Postgres tests never skip, so this script is what makes them pass on any
# machine that has PostgreSQL installed. Which server, first match wins:
#   1. STOREIMPORT_TEST_POSTGRES, when set: checked, never replaced, so a wrong URL fails here,
#      before a long test run, and names the URL (password redacted).
#   2. the local server on its default socket, /var/run/postgresql, as role postgres.
#   3. a throwaway cluster from the installed binaries in a temporary directory, listening only on a
#      Unix socket there; stopped and deleted when CMD ends, however the script ends.
# Where PostgreSQL is not installed at all it fails, naming the one command that installs it.
# One line on stderr says which server the tests use. The exit code is CMD's.
#
# For scripts/test-postgres_test.sh, which must reach cases 2, 3 and "not installed" without touching
# the machine's own server: STOREIMPORT_TEST_PG_SOCKET_DIR replaces /var/run/postgresql, and
# STOREIMPORT_TEST_PG_BINDIR_GLOB, when set, is the only place searched for the server binaries.
# Needs bash 4.4 or later (fd variables, empty arrays under set -u), util-linux and coreutils.
set -euo pipefail

default_socket_dir=/var/run/postgresql
socket_dir=${STOREIMPORT_TEST_PG_SOCKET_DIR:-$default_socket_dir}
# A throwaway cluster must answer within this many seconds (pg_ctl's bounded wait).
start_timeout=30
# The check of a given URL gives up after this many seconds: a host that drops packets would
# otherwise hang the run for minutes.
connect_timeout=10

say() { printf '%s\n' "$*" >&2; }
die() { say "test-postgres: $*"; exit 1; }

usage() {
  say "usage: scripts/test-postgres.sh run -- CMD [ARGS...]"
  exit 2
}

# redact hides the password of a URL (postgres://user:PASSWORD@host) and of a password=... keyword
# or query parameter, in a URL or in whatever psql printed about it. A password never reaches a log.
redact() {
  sed -E \
    -e 's|([A-Za-z][A-Za-z0-9+.-]*://[^:/?#@[:space:]]*):[^[:space:]]*@|\1:xxxxx@|g' \
    -e "s/(password[[:space:]]*=[[:space:]]*)('[^']*'|[^&[:space:]]*)/\\1xxxxx/Ig"
}

# urlencode percent-encodes a socket directory for the host= parameter of a URL, so that a
# TMPDIR with spaces or & still makes a URL that libpq and pgx read back as the same path.
urlencode() {
  # Byte by byte, whatever the locale, so that a UTF-8 name becomes its %XX bytes.
  local LC_ALL=C s=$1 out='' c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [A-Za-z0-9/._~-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}

# client NAME [BINDIR] finds a client program (psql, pg_isready): the one beside the server binaries
# when they are known, else the one on PATH (Debian puts wrappers in /usr/bin).
client() {
  if [[ -n ${2:-} && -x $2/$1 ]]; then
    printf '%s' "$2/$1"
  else
    command -v "$1" || true
  fi
}

# can_create_databases URL [PSQL] tells whether URL answers, logs in, and its role may create
# databases; what psql said goes to stderr, redacted. Bounded by connect_timeout, never prompts.
can_create_databases() {
  local url=$1 psql=${2:-$(client psql)} out
  [[ -n $psql ]] || return 2
  if ! out=$(PGCONNECT_TIMEOUT=$connect_timeout "$psql" -X -w -A -t -q -d "$url" \
    -c 'select rolsuper or rolcreatedb from pg_roles where rolname = current_user' \
    </dev/null 2>&1); then
    printf '%s\n' "$out" | redact >&2
    return 1
  fi
  [[ $out == t ]] || { say "the role may not create databases (it needs CREATEDB)"; return 1; }
}

use_given_url() {
  local url=$STOREIMPORT_TEST_POSTGRES shown
  shown=$(printf '%s' "$url" | redact)
  local rc=0
  can_create_databases "$url" || rc=$?
  case $rc in
    0) ;;
    2) die "psql is needed to check STOREIMPORT_TEST_POSTGRES=$shown; install it with: apt-get install -y postgresql-client" ;;
    *) die "STOREIMPORT_TEST_POSTGRES=$shown does not answer, refuses the login, or may not create databases (see above)" ;;
  esac
  say "postgres for tests: STOREIMPORT_TEST_POSTGRES=$shown"
}

# local_server_url prints the URL of the local server on its default socket, the one internal/pgtest
# uses when STOREIMPORT_TEST_POSTGRES is unset, if that server answers and lets role postgres create
# databases. A server that answers but refuses (Debian's default peer authentication refuses any
# other OS user the role postgres) is no reason to fail: a throwaway cluster serves instead.
local_server_url() {
  local isready url
  isready=$(client pg_isready)
  [[ -n $isready ]] || return 1
  [[ -S $socket_dir/.s.PGSQL.${PGPORT:-5432} ]] || return 1
  "$isready" -q -t 5 -h "$socket_dir" </dev/null || return 1
  url="postgres:///postgres?host=$(urlencode "$socket_dir")&user=postgres"
  if ! can_create_databases "$url" 2>/dev/null; then
    say "postgres for tests: the local server on $socket_dir answers, but role postgres cannot log in there or may not create databases; using a throwaway cluster instead"
    return 1
  fi
  printf '%s' "$url"
}

# server_bindir prints the directory of the installed server binaries (initdb, pg_ctl, postgres):
# Debian's newest /usr/lib/postgresql/VERSION/bin, else pg_config's, else initdb's on PATH.
server_bindir() {
  local dirs=() d
  if [[ -n ${STOREIMPORT_TEST_PG_BINDIR_GLOB:-} ]]; then
    # shellcheck disable=SC2206 # the glob is meant to expand here
    dirs=($STOREIMPORT_TEST_PG_BINDIR_GLOB)
  else
    dirs=(/usr/lib/postgresql/*/bin)
  fi
  # Newest version first: sort -V puts .../16/bin after .../9.6/bin.
  mapfile -t dirs < <(printf '%s\n' "${dirs[@]}" | sort -rV)
  if [[ -z ${STOREIMPORT_TEST_PG_BINDIR_GLOB:-} ]]; then
    if command -v pg_config >/dev/null; then dirs+=("$(pg_config --bindir 2>/dev/null || true)"); fi
    if command -v initdb >/dev/null; then dirs+=("$(dirname "$(command -v initdb)")"); fi
  fi
  for d in "${dirs[@]}"; do
    if [[ -n $d && -x $d/initdb && -x $d/pg_ctl && -x $d/postgres ]]; then
      printf '%s' "$d"
      return 0
    fi
  done
  return 1
}

# The throwaway cluster. initdb and postgres refuse to run as root, so as root the cluster belongs
# to the postgres user (made by Debian's package) or else nobody; its directory is under /tmp, which
# that user can reach whatever TMPDIR root has.
cluster_dir=
cluster_user=
bindir=
watch_fd=

as_cluster_user() {
  # In the cluster's directory: initdb and pg_ctl fail when they cannot read the current directory,
  # as the postgres user cannot in root's. The watchdog's pipe is closed for them, so that it sees
  # the end of this script, not of the server that would inherit it.
  (
    cd "$cluster_dir"
    if [[ -n $watch_fd ]]; then exec {watch_fd}>&-; fi
    if [[ -z $cluster_user ]]; then
      exec "$@"
    elif command -v runuser >/dev/null; then
      exec runuser -u "$cluster_user" -- "$@"
    else
      exec setpriv --reuid="$cluster_user" --regid="$(id -g "$cluster_user")" --clear-groups -- "$@"
    fi
  )
}

# stop_cluster stops the server at once (its data are thrown away, so no clean shutdown is owed) and
# deletes the directory. It is safe to call twice: the EXIT trap and the watchdog may both call it.
stop_cluster() {
  [[ -n $cluster_dir && -d $cluster_dir ]] || return 0
  local pidfile=$cluster_dir/data/postmaster.pid pid
  if [[ -f $pidfile ]]; then
    if ! as_cluster_user "$bindir/pg_ctl" stop -D "$cluster_dir/data" -m immediate -w -t "$start_timeout" >/dev/null 2>&1; then
      # pg_ctl could not stop it in time: end that one server by its own pid; its backends
      # notice their postmaster's death and exit.
      pid=$(head -n 1 "$pidfile" 2>/dev/null || true)
      if [[ $pid =~ ^[0-9]+$ ]]; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
  fi
  rm -rf -- "$cluster_dir"
}

# The watchdog (this script again, as "_watchdog DIR BINDIR USER", in its own session) covers what a
# trap cannot: the script killed with SIGKILL, or with its process group. It blocks reading a pipe
# that only this script holds open; the pipe closes when the script ends, however it ends, and the
# watchdog then stops whatever cluster is left. No polling loop.
watchdog() {
  cluster_dir=$1 bindir=$2 cluster_user=$3
  trap '' INT TERM HUP
  cat >/dev/null || true
  stop_cluster
}

start_cluster() {
  local base=/tmp url
  if [[ $(id -u) == 0 ]]; then
    if id postgres >/dev/null 2>&1; then cluster_user=postgres; else cluster_user=nobody; fi
  else
    base=${TMPDIR:-/tmp}
  fi
  trap stop_cluster EXIT
  # A signal ends the run: the EXIT trap then stops the cluster. Ctrl-C reaches CMD too (the same
  # process group), and bash runs a trap once its foreground CMD has ended.
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
  cluster_dir=$(mktemp -d "${base%/}/storeimport-pg.XXXXXX")
  local setsid=()
  if command -v setsid >/dev/null; then setsid=(setsid); fi
  exec {watch_fd}> >(exec "${setsid[@]}" "$BASH" "$0" _watchdog "$cluster_dir" "$bindir" "$cluster_user")
  if [[ -n $cluster_user ]]; then chown "$cluster_user" "$cluster_dir"; fi

  # Trust on the socket alone (nothing listens on TCP), UTF8 and the C locale whatever the machine's
  # locale is, and no fsync: a crash of this cluster loses nothing anyone needs.
  if ! as_cluster_user "$bindir/initdb" -D "$cluster_dir/data" -U postgres --auth=trust \
    -E UTF8 --locale=C --no-sync >"$cluster_dir/initdb.log" 2>&1; then
    tail -n 20 "$cluster_dir/initdb.log" >&2
    die "initdb failed in $cluster_dir"
  fi
  cat >>"$cluster_dir/data/postgresql.conf" <<EOF
# scripts/test-postgres.sh: a throwaway cluster for the tests.
listen_addresses = ''
port = 5432
unix_socket_directories = '${cluster_dir//\'/\'\'}'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  # The server's log is made by the server's user (pg_ctl -l), who could not write to one made by root.
  if ! as_cluster_user "$bindir/pg_ctl" start -D "$cluster_dir/data" -l "$cluster_dir/server.log" \
    -w -t "$start_timeout" >/dev/null 2>&1; then
    tail -n 20 "$cluster_dir/server.log" >&2
    die "the throwaway cluster in $cluster_dir did not answer within ${start_timeout}s"
  fi
  url="postgres:///postgres?host=$(urlencode "$cluster_dir")&port=5432&user=postgres"
  can_create_databases "$url" "$(client psql "$bindir")" ||
    die "the throwaway cluster in $cluster_dir started but does not let role postgres create databases"
  export STOREIMPORT_TEST_POSTGRES=$url
  say "postgres for tests: throwaway cluster in $cluster_dir ($("$bindir/postgres" --version), stopped when the tests end)"
}

main() {
  [[ ${1:-} == _watchdog ]] && { shift; watchdog "$@"; return; }
  [[ ${1:-} == run ]] || usage
  shift
  [[ ${1:-} == -- ]] && shift
  (($#)) || usage

  if [[ -n ${STOREIMPORT_TEST_POSTGRES:-} ]]; then
    use_given_url
    exec "$@"
  fi
  local url
  if url=$(local_server_url); then
    export STOREIMPORT_TEST_POSTGRES=$url
    say "postgres for tests: local server on $socket_dir"
    exec "$@"
  fi
  if ! bindir=$(server_bindir); then
    say "test-postgres: the Postgres tests need a real server, none answers on $socket_dir, and PostgreSQL is not installed to start a throwaway one; install it with:"
    say "  apt-get install -y postgresql"
    exit 1
  fi
  start_cluster
  # CMD runs in the foreground, so that it keeps the terminal and gets Ctrl-C itself; the pipe to the
  # watchdog is closed for it, or a CMD that outlived a killed script would keep its cluster alive.
  local rc=0
  "$@" {watch_fd}>&- || rc=$?
  exit "$rc"
}

main "$@"
