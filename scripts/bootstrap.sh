#!/usr/bin/env bash
# Creates .venv with Python 3.12 and the locked dependencies, installing uv locally if needed.
# Usage: scripts/bootstrap.sh [--no-dev]
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION="0.13.9"
export UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy

find_python() {
  local candidates=()
  [ -n "${BAROMETRE_PYTHON:-}" ] && candidates+=("$BAROMETRE_PYTHON")
  candidates+=(python3.12 python3.13)
  for d in "$HOME"/.pyenv/versions/3.12* "$HOME"/.pyenv/versions/3.13* /usr/local/bin /usr/bin; do
    [ -d "$d" ] || continue
    for exe in "$d"/bin/python3.12 "$d"/bin/python3.13 "$d"/python3.12 "$d"/python3.13; do
      [ -x "$exe" ] && candidates+=("$exe")
    done
  done
  for c in "${candidates[@]}"; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(0 if sys.version_info[:2] in ((3,12),(3,13)) else 1)' 2>/dev/null; then
      command -v "$c"; return 0
    fi
  done
  return 1
}

if ! PYTHON=$(find_python); then
  echo "Erreur : Python 3.12 est introuvable (Django 6 l'exige)." >&2
  echo "Installez-le (paquet python3.12, ou pyenv install 3.12) ou indiquez son chemin :" >&2
  echo "  BAROMETRE_PYTHON=/chemin/vers/python3.12 make demo" >&2
  exit 1
fi

if command -v uv >/dev/null 2>&1; then
  UV=$(command -v uv)
else
  UV=var/tools/bin/uv
  if [ ! -x "$UV" ]; then
    echo "Installation de uv ${UV_VERSION} dans var/tools…"
    mkdir -p var
    "$PYTHON" -m venv var/tools
    var/tools/bin/python -m pip install --quiet "uv==${UV_VERSION}"
  fi
fi

"$UV" sync --locked --python "$PYTHON" "$@"
