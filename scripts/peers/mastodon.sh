#!/usr/bin/env bash
# Installs the Mastodon-API test double (PyPI mastodon-mock 0.6.1, MIT) in a private venv, once.
# Idempotent: does nothing when the right version is already there. Prints the executable's path
# on its last line, which is what FILROUGE_MASTODON_MOCK may be set to (the testkit also finds it
# at this default place by itself).
set -euo pipefail

version="0.6.1"
venv="${FILROUGE_MASTODON_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/filrouge/peers/mastodon-venv}"
exe="$venv/bin/mastodon_mock"

installed_version() {
  "$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("mastodon-mock"))' 2>/dev/null || true
}

if [ -x "$exe" ] && [ "$(installed_version)" = "$version" ]; then
  echo "==> mastodon-mock $version already installed in $venv" >&2
else
  command -v python3 >/dev/null 2>&1 || { echo "python3 is needed (apt-get install python3 python3-venv)" >&2; exit 1; }
  echo "==> installing mastodon-mock $version in $venv" >&2
  mkdir -p "$(dirname "$venv")"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "mastodon-mock==$version"
  [ -x "$exe" ] || { echo "mastodon-mock installed but $exe is missing" >&2; exit 1; }
fi
echo "$exe"
