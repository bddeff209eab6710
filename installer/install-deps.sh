#!/usr/bin/env bash
# Installs the Debian 12 packages MDSync needs to build, test and run — only those that are missing.
# Usage: installer/install-deps.sh            (runs apt-get as root, or through sudo)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev libqt6opengl6-dev qt6-charts-dev
  qt6-httpserver-dev qt6-websockets-dev
  qt6-tools-dev qt6-l10n-tools libqt6sql6-sqlite libsqlite3-dev nlohmann-json3-dev
  qt6-translations-l10n  # Qt's own German/French strings (qtbase_<lang>.qm), loaded by ui/i18n.cpp
  libgl1-mesa-dev libxkbcommon-dev qt6-svg-dev qt6-wayland qt6-qpa-plugins
  fontconfig fonts-dejavu-core xvfb xauth sqlite3
  # man pages generated from --help at build time (app/CMakeLists.txt); the build skips them without it
  help2man
  # PostgreSQL 15 for the shared workspace (issue 15): the server for the tests' throwaway clusters
  # (tests/pg/throwaway-pg.sh), libpq and Qt's QPSQL driver for the client
  postgresql-15 postgresql-client-15 libpq-dev libqt6sql6-psql
  # the GUI's saved connection passwords in the desktop keyring (ui/keyring.cpp, libsecret), and for its test a
  # private Secret Service: gnome-keyring-daemon in a dbus-run-session (tests/gui/keyring-session.sh)
  libsecret-1-dev gnome-keyring dbus dbus-daemon
  # Tryton ERP for the Tryton end-to-end tests and `mdsyncctl demo --tryton` (tests/tryton/tryton-env.sh, docs/TRYTON.md)
  tryton-server tryton-modules-company tryton-modules-party tryton-modules-product
  tryton-modules-product-measurements tryton-modules-stock tryton-modules-production
  tryton-modules-production-routing tryton-modules-purchase
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install-deps: missing packages (${missing[*]}) and neither root nor sudo; install them and retry" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
