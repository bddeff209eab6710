#!/usr/bin/env bash
# Runs a command (tst_pgkeyring) with a private, unlocked GNOME Keyring on a private D-Bus session, never a real
# user's keyring. Usage: dbus-run-session -- tests/gui/keyring-session.sh <command> [args...]
# HOME and the XDG folders point into a temporary folder (the keyring files, QSettings), removed afterwards;
# gnome-keyring-daemon creates the "login" keyring there, unlocked with a throwaway password given on stdin, and
# serves the Secret Service (org.freedesktop.secrets) on the session bus of dbus-run-session, ending with it.
set -euo pipefail

die() { echo "keyring-session: $*" >&2; exit 1; }
[ $# -ge 1 ] || die "usage: dbus-run-session -- $0 <command> [args...]"
[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || die "no D-Bus session: run me inside dbus-run-session (package dbus)"
command -v gnome-keyring-daemon >/dev/null || die "gnome-keyring-daemon not found: install gnome-keyring"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mdsync-keyring.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp/home XDG_DATA_HOME=$tmp/data XDG_CONFIG_HOME=$tmp/config XDG_CACHE_HOME=$tmp/cache \
  XDG_RUNTIME_DIR=$tmp/run
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

# It daemonizes, prints GNOME_KEYRING_CONTROL=... (and SSH_AUTH_SOCK with other components) and exits.
env_lines=$(head -c 32 /dev/urandom | base64 | gnome-keyring-daemon --unlock --components=secrets) \
  || die "gnome-keyring-daemon did not start"
while IFS= read -r line; do
  case $line in
    *=*) export "${line?}" ;;
  esac
done <<<"$env_lines"

"$@"
