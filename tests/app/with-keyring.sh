#!/bin/sh
# Runs a command in a private D-Bus session with a fresh, unlocked gnome-keyring (QtKeychain on Linux
# talks to the Secret Service over the session bus), in a throwaway HOME.
set -eu
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_RUNTIME_DIR="$home" XDG_DATA_HOME="$home/.local/share"
exec dbus-run-session -- sh -c 'echo -n clera-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' sh "$@"
