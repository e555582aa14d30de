# Sourced by run.sh and test.sh: make .venv with Python >= 3.11 and install heartdesk into it.
# Re-installs only when pyproject.toml changes (a stamp file keeps its hash).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=""
for cand in python3.11 python3.12 python3.13 python3; do
  if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
    PY="$cand"; break
  fi
done
if [ -z "$PY" ]; then echo "heartdesk needs Python 3.11 or newer on PATH" >&2; exit 2; fi
if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  # Debian splits venv/ensurepip out of the interpreter package.
  if command -v apt-get >/dev/null 2>&1; then
    ver=$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    apt-get update -qq && (apt-get install -y -qq "python${ver}-venv" || apt-get install -y -qq python3-venv)
  fi
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
EXTRAS="${HEARTDESK_EXTRAS:-dev}"
stamp=".venv/.heartdesk-$(sha256sum pyproject.toml | cut -c1-16)-${EXTRAS//,/_}"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
  .venv/bin/python -m pip install -q -e ".[${EXTRAS}]" 2>&1 | grep -v '^WARNING: Location' || true
  .venv/bin/python -c 'import heartdesk' || { echo "installing heartdesk failed" >&2; exit 2; }
  rm -f .venv/.heartdesk-*; touch "$stamp"
fi
