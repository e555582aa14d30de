#!/usr/bin/env bash
# The whole test suite: set up .venv (and what the tests need), lint, type-check, run pytest.
set -euo pipefail
source "$(dirname "$0")/_venv.sh"
# A throw-away PostgreSQL server for the desk tests (installed with apt if missing); stopped on exit.
source scripts/postgres.sh
echo "== ruff"; .venv/bin/ruff check src tests bench
echo "== mypy --strict"; .venv/bin/mypy
echo "== pytest"
set +e
.venv/bin/python -m pytest -q "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then echo "pytest collected no tests: that is a failure here" >&2; exit 1; fi
exit "$rc"
