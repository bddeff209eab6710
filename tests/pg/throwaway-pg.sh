#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests and benchmarks: initdb in a folder, a free port on 127.0.0.1 and a
# Unix socket in that folder, stopped by its PID file. No system service, no password on a command line.
#
#   tests/pg/throwaway-pg.sh start DIR     create (if new) and start a cluster in DIR; writes DIR/env
#   tests/pg/throwaway-pg.sh stop DIR      stop it (fast shutdown)
#   tests/pg/throwaway-pg.sh check DIR     connect as in DIR/env and check the login, a write and a read
#   tests/pg/throwaway-pg.sh run [--fast] -- COMMAND...
#                                          start one in a temporary folder, run COMMAND with its environment,
#                                          stop it and remove the folder; exits with COMMAND's status
#
# DIR/env sets PGHOST=127.0.0.1, PGPORT, PGUSER=mdsync, PGDATABASE=mdsync and PGPASSFILE=DIR/pgpass (mode 0600):
# libpq and Qt's QPSQL driver read them, so `. DIR/env; psql` or `mdsyncctl --workspace postgresql://` connect.
# The login `mdsync` owns the database `mdsync`; the superuser is `postgres` (same password file).
# Durable by default (fsync, synchronous_commit on: what benchmarks must use). --fast (or MDSYNC_PG_FAST=1) turns
# fsync, synchronous_commit and full_page_writes off, for correctness tests only.
# As root (CI) the server runs as the `postgres` user (it refuses root); otherwise as the caller.
set -euo pipefail

pgbin="${MDSYNC_PGBIN:-/usr/lib/postgresql/15/bin}"
die() { echo "throwaway-pg: $*" >&2; exit 1; }
[ -x "$pgbin/initdb" ] || die "$pgbin/initdb not found: install postgresql-15 (installer/install-deps.sh)"

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  local dir="$1" fast="${2:-${MDSYNC_PG_FAST:-0}}"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  chmod 755 "$dir"
  # As root the server runs as `postgres`, which must reach the folder: a checkout below a private folder (mktemp -d,
  # /root) is not reachable, and initdb would only say "Permission denied" in its log.
  if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$dir"; then
    die "the user postgres cannot reach $dir (a parent folder is private, e.g. mode 700): clone the project where" \
      "other users may enter the folders (chmod o+x on each parent), or run the tests as a normal user"
  fi
  local data="$dir/data" pw
  if [ ! -f "$data/PG_VERSION" ]; then
    pw="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
    mkdir -p "$data"
    [ "$(id -u)" -eq 0 ] && chown postgres "$data" "$dir"
    umask 077
    printf '%s\n' "$pw" >"$dir/pw"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir/pw"
    as_owner "$pgbin/initdb" -D "$data" -U postgres -A scram-sha-256 --pwfile="$dir/pw" >"$dir/initdb.log" 2>&1 \
      || die "initdb failed, see $dir/initdb.log"
    rm -f "$dir/pw"
    umask 022
    printf '127.0.0.1:*:*:postgres:%s\n127.0.0.1:*:*:mdsync:%s\n%s:*:*:postgres:%s\n%s:*:*:mdsync:%s\n' \
      "$pw" "$pw" "$dir" "$pw" "$dir" "$pw" >"$dir/pgpass"
    chmod 600 "$dir/pgpass"
    touch "$dir/new"
  fi
  local port opts
  port="$(free_port)"
  opts="-p $port -k $dir -c listen_addresses=127.0.0.1"
  [ "$fast" = 1 ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  as_owner "$pgbin/pg_ctl" -D "$data" -o "$opts" -l "$data/server.log" -w -t 60 start >/dev/null \
    || die "the server did not start, see $data/server.log"
  cat >"$dir/env" <<EOF
export PGHOST=127.0.0.1 PGPORT=$port PGUSER=mdsync PGDATABASE=mdsync PGPASSFILE=$dir/pgpass
export MDSYNC_PG_DIR=$dir
EOF
  if [ -e "$dir/new" ]; then
    PGHOST=127.0.0.1 PGPORT=$port PGPASSFILE="$dir/pgpass" "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -U postgres \
      -d postgres -c "CREATE ROLE mdsync LOGIN CREATEROLE PASSWORD '$(sed -n 's/^127.0.0.1:\*:\*:mdsync://p' "$dir/pgpass")'" \
      -c "CREATE DATABASE mdsync OWNER mdsync" >/dev/null || die "could not create the mdsync login and database"
    rm -f "$dir/new"
  fi
  echo "$dir/env"
}

stop() {
  local dir="$1"
  [ -f "$dir/data/postmaster.pid" ] || return 0
  as_owner "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
}

check() {
  local dir="$1"
  [ -f "$dir/env" ] || die "no cluster in $dir (no env file): start it first"
  # shellcheck disable=SC1091
  . "$dir/env"
  [ "$(stat -c %a "$PGPASSFILE")" = 600 ] || die "$PGPASSFILE is not mode 0600"
  local got
  got="$("$pgbin/psql" -X -A -t -q -v ON_ERROR_STOP=1 \
    -c "CREATE TEMP TABLE probe(v text)" -c "INSERT INTO probe VALUES ('ok')" \
    -c "SELECT current_user || ' ' || current_database() || ' ' || (SELECT v FROM probe)")" \
    || die "cannot connect or write as $PGUSER@$PGHOST:$PGPORT/$PGDATABASE"
  [ "$got" = "mdsync mdsync ok" ] || die "unexpected answer '$got' (expected 'mdsync mdsync ok')"
  echo "throwaway-pg: $PGUSER@$PGHOST:$PGPORT/$PGDATABASE answers"
}

case "${1:-}" in
check)
  [ $# -ge 2 ] || die "usage: $0 check DIR"
  check "$2" ;;
start)
  [ $# -ge 2 ] || die "usage: $0 start DIR"
  start "$2" ;;
stop)
  [ $# -ge 2 ] || die "usage: $0 stop DIR"
  stop "$2" ;;
run)
  shift
  fast=0
  [ "${1:-}" = --fast ] && { fast=1; shift; }
  [ "${1:-}" = -- ] && shift
  [ $# -ge 1 ] || die "usage: $0 run [--fast] -- COMMAND..."
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/mdsync-pg.XXXXXX")"
  trap 'stop "$tmp" || true; rm -rf "$tmp"' EXIT
  start "$tmp" "$fast" >/dev/null
  # shellcheck disable=SC1091
  . "$tmp/env"
  status=0
  "$@" || status=$?
  exit "$status" ;;
*)
  die "usage: $0 start DIR | stop DIR | run [--fast] -- COMMAND..." ;;
esac
