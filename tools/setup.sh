#!/usr/bin/env bash
# One-command set-up: Debian packages (apt-get as root, sudo otherwise) and the .venv.
# Idempotent and quick when everything is already there.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
PYTHON="${PYTHON:-python3}"

mapfile -t want < <(grep -v -E '^\s*(#|$)' tools/system-packages.txt)
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then apt=(apt-get);
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then apt=(sudo apt-get);
  else
    echo "error: these Debian packages are missing and I cannot install them without root:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "==> installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${apt[@]}" update -qq
  "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
echo "==> installing Python packages into .venv (torch is large: a few minutes the first time)"
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"

# From the npm registry, each pinned by its lock file: axe-core for the platform's accessibility
# test (tests/js; injected into the page by the test, the platform never serves it) and reveal.js
# for the slides' deck (rendering/js; copied into each deck, so a deck shown offline fetches
# nothing; manim-slides' --offline would download it at conversion time instead). npm comes with
# Node.js where it is installed already; otherwise Debian's package brings both.
if ! command -v npm >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt=(apt-get);
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then apt=(sudo apt-get);
  else echo "error: npm is missing: sudo apt-get install -y npm" >&2; exit 1; fi
  echo "==> installing npm"
  "${apt[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq --no-install-recommends npm >/dev/null
fi
echo "==> installing the browser tests' axe-core into tests/js/node_modules"
npm ci --prefix tests/js --no-audit --no-fund --silent
echo "==> installing the slides' reveal.js into rendering/js/node_modules"
npm ci --prefix rendering/js --no-audit --no-fund --silent
echo "==> set-up complete"
