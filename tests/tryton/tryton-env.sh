#!/usr/bin/env bash
# Tryton 6.0 (Debian 12, SQLite backend) on loopback for MDSync's tests, demo and benchmark.
#
#   tryton-env.sh install            apt-get the Tryton packages (--no-install-recommends), as root or via sudo;
#                                    nothing to do when present; disables the auto-started service (systemd).
#   tryton-env.sh template DIR       create + activate the template database once (currency, company party,
#                                    company, admin user's company) and cache it in DIR (DIR/template.sqlite).
#   tryton-env.sh start DIR PORT     start trytond on 127.0.0.1:PORT serving the databases in DIR (pidfile
#                                    DIR/trytond.pid, log DIR/trytond.log); ready = a successful login.
#   tryton-env.sh newdb DIR NAME     copy the template to DIR/NAME.sqlite (a fresh database; the running
#                                    server picks it up by itself).
#   tryton-env.sh stop DIR           stop the server started in DIR (by PID).
#   tryton-env.sh serve DIR          template (cached per machine) + start on a free port written to DIR/port;
#                                    never installs (mdsyncctl demo --tryton, bench_tryton)
#   tryton-env.sh fixture-setup DIR  install + serve DIR (CTest fixture); fixture-cleanup DIR stops it
#
# The admin login is "admin", the password "admin" (loopback test databases only).
set -euo pipefail

packages=(
  tryton-server tryton-modules-company tryton-modules-party tryton-modules-product
  tryton-modules-product-measurements tryton-modules-stock tryton-modules-production
  tryton-modules-production-routing tryton-modules-purchase
)
modules=(company party product product_measurements stock production production_routing purchase)
admin_password=admin

die() { echo "tryton-env: $*" >&2; exit 1; }

cmd_install() {
  local missing=()
  for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found: cannot install ${missing[*]}"
    local as_root=()
    if [ "$(id -u)" -ne 0 ]; then
      command -v sudo >/dev/null 2>&1 || die "need root or sudo to install ${missing[*]}"
      as_root=(sudo)
    fi
    echo "tryton-env: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    "${as_root[@]}" apt-get update -qq
    "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # The package starts a service on localhost:8000 when systemd runs: the tests use their own servers.
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    if systemctl is-enabled --quiet tryton-server 2>/dev/null || systemctl is-active --quiet tryton-server 2>/dev/null; then
      local as_root=()
      [ "$(id -u)" -ne 0 ] && as_root=(sudo)
      "${as_root[@]}" systemctl disable --now tryton-server >/dev/null 2>&1 || true
    fi
  fi
  command -v trytond >/dev/null 2>&1 || die "trytond not found after install"
}

write_conf() { # DIR PORT
  local dir=$1 port=$2
  cat >"$dir/trytond.conf" <<CONF
[database]
uri = sqlite://
path = $dir

[web]
listen = 127.0.0.1:$port

[session]
timeout = 3600
max_attempt = 100
CONF
}

cmd_template() { # DIR
  local dir=${1:?template DIR}
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ -s "$dir/template.sqlite" ] && [ -f "$dir/template.ok" ]; then
    return 0
  fi
  command -v trytond-admin >/dev/null 2>&1 || die "trytond-admin not found: run 'tryton-env.sh install' first"
  rm -f "$dir/template.sqlite" "$dir/template.ok" "$dir/build.sqlite"
  write_conf "$dir" 8000
  : >"$dir/build.sqlite"
  printf '%s\n' "$admin_password" >"$dir/adminpass"
  TRYTONPASSFILE="$dir/adminpass" trytond-admin -c "$dir/trytond.conf" -d build --email admin@example.invalid \
    -u "${modules[@]}" --activate-dependencies </dev/null >"$dir/template-admin.log" 2>&1 \
    || { tail -20 "$dir/template-admin.log" >&2; die "trytond-admin failed (log: $dir/template-admin.log)"; }
  # Currency, company party, company, admin user's company: through trytond's own API (no server needed).
  /usr/bin/python3 - "$dir/trytond.conf" <<'PY' >"$dir/template-setup.log" 2>&1 || { cat "$dir/template-setup.log" >&2; die "company setup failed"; }
import sys
from trytond.config import config
config.update_etc(sys.argv[1])
from trytond.pool import Pool
from trytond.transaction import Transaction
from decimal import Decimal
Pool.start()
pool = Pool('build')
pool.init()
with Transaction().start('build', 0) as transaction:
    Currency = pool.get('currency.currency')
    Party = pool.get('party.party')
    Company = pool.get('company.company')
    User = pool.get('res.user')
    eur, = Currency.create([{'name': 'Euro', 'code': 'EUR', 'symbol': 'EUR', 'rounding': Decimal('0.01'), 'digits': 2}])
    party, = Party.create([{'name': 'MDSync Test Plant'}])
    company, = Company.create([{'party': party.id, 'currency': eur.id}])
    admin, = User.search([('login', '=', 'admin')])
    User.write([admin], {'companies': [('add', [company.id])], 'company': company.id})
    transaction.commit()
print('company', company.id, 'currency', eur.id)
PY
  mv "$dir/build.sqlite" "$dir/template.sqlite"
  touch "$dir/template.ok"
}

cmd_newdb() { # DIR NAME
  local dir=${1:?newdb DIR NAME} name=${2:?newdb DIR NAME}
  [ -s "$dir/template.sqlite" ] || die "no template in $dir: run 'tryton-env.sh template $dir'"
  cp "$dir/template.sqlite" "$dir/$name.sqlite.tmp"
  mv "$dir/$name.sqlite.tmp" "$dir/$name.sqlite"
}

login_ok() { # PORT DB
  curl -s -m 5 -H 'Content-Type: application/json' \
    -d "{\"id\":1,\"method\":\"common.db.login\",\"params\":[\"admin\",{\"password\":\"$admin_password\"},\"en\"]}" \
    "http://127.0.0.1:$1/$2/" 2>/dev/null | grep -q '"result": *\[ *[0-9]'
}

cmd_start() { # DIR PORT
  local dir=${1:?start DIR PORT} port=${2:?start DIR PORT}
  dir=$(cd "$dir" && pwd)
  [ -s "$dir/template.sqlite" ] || die "no template in $dir: run 'tryton-env.sh template $dir'"
  if [ -f "$dir/trytond.pid" ] && kill -0 "$(cat "$dir/trytond.pid")" 2>/dev/null; then
    cmd_stop "$dir"
  fi
  write_conf "$dir" "$port"
  cmd_newdb "$dir" ready
  rm -f "$dir/trytond.pid"
  # setsid: the server outlives the caller's process group (CTest fixture), stopped by PID.
  setsid trytond -c "$dir/trytond.conf" --pidfile "$dir/trytond.pid" >"$dir/trytond.log" 2>&1 </dev/null &
  local i
  for i in $(seq 1 150); do # bounded: 30 s
    if login_ok "$port" ready; then
      echo "tryton-env: trytond ready on 127.0.0.1:$port (pid $(cat "$dir/trytond.pid" 2>/dev/null))" >&2
      return 0
    fi
    if [ $i -gt 5 ] && [ ! -f "$dir/trytond.pid" ] && ! pgrep -F "$dir/trytond.pid" >/dev/null 2>&1; then
      : # pidfile appears once the server started; keep waiting within the bound
    fi
    sleep 0.2
  done
  tail -20 "$dir/trytond.log" >&2 || true
  cmd_stop "$dir" || true
  die "trytond did not accept a login on 127.0.0.1:$port within 30 s (log: $dir/trytond.log)"
}

cmd_stop() { # DIR
  local dir=${1:?stop DIR}
  local pidfile="$dir/trytond.pid"
  [ -f "$pidfile" ] || return 0
  local pid
  pid=$(cat "$pidfile")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    local i
    for i in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  install) cmd_install ;;
  template) cmd_template "${2:-}" ;;
  newdb) cmd_newdb "${2:-}" "${3:-}" ;;
  start) cmd_start "${2:-}" "${3:-}" ;;
  stop) cmd_stop "${2:-}" ;;
  fixture-setup | serve)
    # CTest fixture: RUNDIR gets the server (pidfile, log, port file) and the per-test databases; the template
    # is made once per machine in $MDSYNC_TRYTON_CACHE (default ~/.cache/mdsync/tryton-<version>) and copied.
    rundir=${2:?$1 RUNDIR}
    if [ "$1" = fixture-setup ]; then
      cmd_install
    else
      command -v trytond >/dev/null 2>&1 || die "Tryton is not installed (tryton-env.sh install)"
    fi
    version=$(dpkg-query -W -f='${Version}' tryton-server 2>/dev/null || echo unknown)
    cache=${MDSYNC_TRYTON_CACHE:-${HOME:-/tmp}/.cache/mdsync/tryton-$version}
    mkdir -p "$cache" "$rundir"
    (
      flock 9
      cmd_template "$cache"
    ) 9>"$cache/.lock"
    cmd_stop "$rundir"
    cp "$cache/template.sqlite" "$rundir/template.sqlite"
    port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cmd_start "$rundir" "$port"
    echo "$port" >"$rundir/port"
    ;;
  fixture-cleanup) cmd_stop "${2:?fixture-cleanup DIR}" ;;
  *)
    sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
    exit 1
    ;;
esac
