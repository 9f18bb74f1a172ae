#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a real Secret Service
# (gnome-keyring), its login keyring created and unlocked with a throwaway password.
# Used by `cargo xtask test` and the end-to-end tests; never touches the
# user's own session bus.
set -euo pipefail

if [ -z "${LATCHKEY_INNER_SESSION:-}" ]; then
  export LATCHKEY_INNER_SESSION=1
  exec dbus-run-session -- bash "$0" "$@"
fi

# A throwaway keyring directory, so a test run never sees a real keyring.
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home/data"
export XDG_RUNTIME_DIR="$keyring_home/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

eval "$(printf 'latchkey-test-keyring' | gnome-keyring-daemon --daemonize --unlock --components=secrets)"

"$@"
