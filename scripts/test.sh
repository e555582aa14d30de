#!/usr/bin/env bash
# The whole test suite: set up .venv (and what the tests need), lint, type-check, run pytest.
set -euo pipefail
source "$(dirname "$0")/_venv.sh"
source scripts/native.sh
hd_native_build required
# A throw-away PostgreSQL server for the desk tests (installed with apt if missing); stopped on exit.
source scripts/postgres.sh
echo "== ruff"; .venv/bin/ruff check src tests bench
echo "== mypy --strict"; .venv/bin/mypy
echo "== pytest"
# The tests check that the compiled build is in use (and gives the same results as pure Python).
[ -n "${HEARTDESK_NO_NATIVE:-}" ] && [ "${HEARTDESK_NO_NATIVE}" != "0" ] || export HEARTDESK_EXPECT_NATIVE=1
set +e
.venv/bin/python -m pytest -q "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then echo "pytest collected no tests: that is a failure here" >&2; exit 1; fi
exit "$rc"
