#!/usr/bin/env bash
# Installs exactly the Debian 12 packages Clera needs that are missing. Idempotent; works as root or
# through sudo. Usage: installer/install-deps.sh [--with-postgres]
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ pkg-config ccache git
  # Qt 6.4 and friends
  qt6-base-dev qt6-declarative-dev qt6-websockets-dev qt6-charts-dev qt6-httpserver-dev
  qtkeychain-qt6-dev libhiredis-dev libsodium-dev
  # QML runtime modules (no -dev package pulls them)
  qml6-module-qtqml qml6-module-qtqml-workerscript qml6-module-qtquick
  qml6-module-qtquick-controls qml6-module-qtquick-layouts qml6-module-qtquick-templates
  qml6-module-qtquick-window qml6-module-qtcharts qml6-module-qttest
  # SQL drivers
  libqt6sql6-sqlite libqt6sql6-psql
  # test-time services and headless display
  redis-server xvfb xauth libgl1-mesa-dri dbus gnome-keyring libsecret-1-0
  # fonts for rendering and screenshots
  fonts-dejavu-core
)
if [[ "${1:-}" == "--with-postgres" ]]; then
  packages+=(postgresql postgresql-common)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null; then
  sudo=(sudo)
else
  echo "install-deps: missing ${missing[*]} and not root (no sudo available)" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
