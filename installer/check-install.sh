#!/usr/bin/env bash
# Installs a built mdsync .deb with apt into a fresh Debian 12 root (debootstrap, minbase) and starts the
# installed binaries there: a missing Depends shows as a program that does not START (apt installs only
# what the package declares). Builds nothing.
#
#   installer/check-install.sh build/ci/mdsync_0.1.0_amd64.deb [shot.png]
#
# Needs root, debootstrap and network access to deb.debian.org. The bare root is cached as a tarball in
# ~/.cache/mdsync (MDSYNC_CACHE_DIR) so later runs skip debootstrap. Exit 0 when the package installs, the
# GUI renders the dashboard in German offscreen (PNG copied to the 2nd argument, default
# ./check-install.png) and mdsyncctl works; otherwise non-zero with the reason.
set -euo pipefail

deb=${1:-}
shot=${2:-check-install.png}
if [ -z "$deb" ] || [ ! -f "$deb" ]; then
  echo "usage: $0 PATH/mdsync_VERSION_ARCH.deb [SCREENSHOT.png]" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "check-install: needs root (debootstrap, chroot, mounts)" >&2
  exit 1
fi
for tool in debootstrap chroot tar mount; do
  command -v "$tool" >/dev/null || { echo "check-install: $tool is missing (apt install debootstrap)" >&2; exit 1; }
done

mirror=${MDSYNC_DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache_dir=${MDSYNC_CACHE_DIR:-$HOME/.cache/mdsync}
cache=$cache_dir/debian12-minbase-root.tar.gz
start=$(date +%s)
root=$(mktemp -d /tmp/mdsync-check-install.XXXXXX)
chmod 755 "$root" # apt drops to the _apt user, which must reach the root
mounted=()

cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount -l "${mounted[$i]}" 2>/dev/null || true
  done
  if [ -n "${KEEP_ROOT:-}" ]; then
    echo "check-install: root kept at $root" >&2
  else
    rm -rf --one-file-system "$root"
  fi
}
trap cleanup EXIT INT TERM

step() { echo "check-install: [$(( $(date +%s) - start )) s] $*"; }

# 1. A bare Debian 12 root: from the cache, or debootstrap (then cached).
if [ -f "$cache" ]; then
  step "bare Debian 12 root from the cache $cache"
  tar -xzf "$cache" -C "$root"
  chmod 755 "$root"
else
  step "debootstrap --variant=minbase bookworm from $mirror (first run; cached afterwards)"
  debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.debootstrap.log" 2>&1 || {
    tail -20 "$root.debootstrap.log" >&2
    echo "check-install: debootstrap failed (log above)" >&2
    exit 1
  }
  rm -f "$root.debootstrap.log"
  # A fresh Debian 12 install also has the updates and security suites.
  cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
  chroot "$root" apt-get clean
  mkdir -p "$cache_dir"
  tar -czf "$cache.tmp" -C "$root" . && mv "$cache.tmp" "$cache"
  step "cached the bare root ($(du -h "$cache" | cut -f1))"
fi

# 2. Kernel file systems and name resolution for apt.
for fs in proc sys dev dev/pts; do
  mkdir -p "$root/$fs"
  case $fs in
    proc) mount -t proc proc "$root/proc" ;;
    sys) mount -t sysfs sys "$root/sys" ;;
    dev) mount --bind /dev "$root/dev" ;;
    dev/pts) mount -t devpts devpts "$root/dev/pts" ;;
  esac
  mounted+=("$root/$fs")
done
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
# No daemon starts inside the root (policy-rc.d); the package must not try to start its service anyway.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"

# 3. apt install ./mdsync_*.deb: only the Depends (no Recommends), like a minimal plant workstation.
cp "$deb" "$root/tmp/"
debname=$(basename "$deb")
step "apt-get install ./$debname"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
  DEBIAN_FRONTEND=noninteractive "$@"; }
in_root apt-get update -qq
if ! in_root sh -c "cd /tmp && apt-get install -y -qq --no-install-recommends ./$debname" >"$root/tmp/apt.log" 2>&1; then
  tail -30 "$root/tmp/apt.log" >&2
  echo "check-install: FAILED: apt could not install $debname" >&2
  exit 1
fi
step "installed: $(in_root dpkg-query -W -f='${Package} ${Version}, ${Installed-Size} KiB' mdsync)"
in_root id mdsync >/dev/null || { echo "check-install: FAILED: no mdsync system user" >&2; exit 1; }

# 4. The installed programs start and work.
step "mdsyncctl --version"
in_root mdsyncctl --version
in_root mdsyncctl init --workspace /tmp/check.mdsync >/dev/null || {
  echo "check-install: FAILED: mdsyncctl init (SQLite driver?)" >&2
  exit 1
}
lang=(--lang de)
if ! in_root env QT_QPA_PLATFORM=offscreen mdsync --help 2>/dev/null | grep -q -- '--lang'; then
  echo "check-install: this mdsync has no --lang option yet: screenshot without it" >&2
  lang=()
fi
step "QT_QPA_PLATFORM=offscreen mdsync ${lang[*]} --demo --screenshot /tmp/x.png --view dashboard --screenshot-delay 5"
rm -f "$root/tmp/x.png"
if ! in_root sh -c "cd /tmp && QT_QPA_PLATFORM=offscreen timeout 120 mdsync ${lang[*]} --demo \
      --screenshot /tmp/x.png --view dashboard --screenshot-delay 5" >"$root/tmp/gui.log" 2>&1 \
   || [ ! -s "$root/tmp/x.png" ]; then
  tail -30 "$root/tmp/gui.log" >&2
  echo "check-install: FAILED: the installed mdsync did not render a screenshot" >&2
  exit 1
fi
cp "$root/tmp/x.png" "$shot"
step "screenshot copied to $shot"
echo "check-install: OK after $(( $(date +%s) - start )) s"
