#!/usr/bin/env bash
# The main job: set up .venv and analyse the bundled demo conversations into a readable report.
set -euo pipefail
source "$(dirname "$0")/_venv.sh"
.venv/bin/heartdesk analyze src/heartdesk/demo/conversations.jsonl --format table "$@"
