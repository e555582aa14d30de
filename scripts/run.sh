#!/usr/bin/env bash
# The main job: set up .venv, build the demo desk (65 tickets, 5 incidents, 8 agents) in
# ./heartdesk-demo.db (embedded SQLite) and serve it: the ranked queue at
# http://127.0.0.1:8000/api/v1/queue, every route at http://127.0.0.1:8000/docs. Ctrl-C stops it.
# Extra arguments go to `heartdesk demo` (e.g. --port 8080, --no-serve).
set -euo pipefail
source "$(dirname "$0")/_venv.sh"
source scripts/native.sh
hd_native_build optional
exec .venv/bin/heartdesk demo "$@"
