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
  # NodeSource's nodejs ships npm itself; Debian's npm would replace that nodejs
  if [ "$p" = npm ] && command -v npm >/dev/null; then continue; fi
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
# The slides' HTML deck plays offline with this copy of reveal.js (rendering/slides.py); 6.0.1 is
# the version manim-slides 5.7's template is written for.
REVEAL_VERSION=6.0.1
if ! grep -q "\"version\": \"$REVEAL_VERSION\"" vendor/node_modules/reveal.js/package.json 2>/dev/null; then
  echo "==> installing reveal.js $REVEAL_VERSION from the npm registry into vendor/"
  npm install --prefix vendor --no-save --no-audit --no-fund --no-package-lock \
    "reveal.js@$REVEAL_VERSION" >/dev/null
fi
echo "==> set-up complete"
