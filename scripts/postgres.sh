#!/usr/bin/env bash
# A throw-away PostgreSQL server for the test suite.
#
#   source scripts/postgres.sh        # ensure a server, export HEARTDESK_TEST_POSTGRES_URL, stop it when the shell exits
#   scripts/postgres.sh start         # start (or reuse) one and print the `export ...` line; it keeps running
#   scripts/postgres.sh stop          # stop it and delete its files
#   scripts/postgres.sh url           # print the URL of the running one (exit 1 if none)
#
# Design:
# - Binaries: initdb/pg_ctl from PATH, else the newest /usr/lib/postgresql/*/bin (Debian). When missing, and we are
#   root with apt-get (a fresh CI machine), `apt-get update` then `apt-get install -y postgresql`. Set
#   HEARTDESK_PG_NO_INSTALL=1 to forbid installing.
# - The cluster lives in $HEARTDESK_PG_DIR (default ${TMPDIR:-/tmp}/heartdesk-pg-<uid>-<checksum of the checkout's
#   path>, so each clone has its own): data/, server.log, and env
#   (the export line). PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` system user
#   (created by Debian's package), else to a `heartdesk-pg` system user created here; otherwise to the current user.
# - It listens on 127.0.0.1 only, on a free port, with trust authentication and fsync off: nothing in it survives and
#   nothing outside this machine can reach it. Superuser `heartdesk`, database `heartdesk_test`.
# - Idempotent: if the server in $HEARTDESK_PG_DIR answers, it is reused (and, when sourced, left running because
#   someone else started it). When sourcing starts it, an EXIT trap (chained after any existing one) stops it and
#   removes the directory. PostgreSQL's own pid file is data/postmaster.pid.
# - The tests read HEARTDESK_TEST_POSTGRES_URL; each test session works in its own schema, so reuse is safe.

# One cluster per checkout (and user): two clones running their suites at once must not reuse, and then
# stop, each other's server.
_hd_pg_default_dir() {
  local repo
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
  echo "${TMPDIR:-/tmp}/heartdesk-pg-$(id -u)-$(printf '%s' "$repo" | cksum | cut -d' ' -f1)"
}

_hd_pg_main() {
  local cmd="${1:-ensure}"
  local dir="${HEARTDESK_PG_DIR:-$(_hd_pg_default_dir)}"
  local bindir=""

  _hd_pg_find() {
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
      bindir="$(dirname "$(readlink -f "$(command -v pg_ctl)")")"; return 0
    fi
    local d
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [ -n "$d" ] && [ -x "$d/initdb" ]; then bindir="$d"; return 0; fi
    return 1
  }

  _hd_pg_as() {  # run a command as the cluster owner
    if [ "$(id -u)" -ne 0 ]; then "$@"; return; fi
    local owner; owner="$(cat "$dir/owner")"
    if command -v runuser >/dev/null 2>&1; then runuser -u "$owner" -- "$@"; else su -s /bin/sh "$owner" -c "$(printf '%q ' "$@")"; fi
  }

  _hd_pg_alive() {
    [ -f "$dir/env" ] && [ -f "$dir/data/postmaster.pid" ] || return 1
    _hd_pg_find || return 1
    _hd_pg_as "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
  }

  _hd_pg_stop() {
    if [ -d "$dir/data" ] && _hd_pg_find; then
      _hd_pg_as "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
  }

  _hd_pg_start() {
    if ! _hd_pg_find; then
      if [ "${HEARTDESK_PG_NO_INSTALL:-0}" != "1" ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "postgres.sh: installing PostgreSQL (apt-get install postgresql)" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
      fi
      _hd_pg_find || { echo "postgres.sh: no PostgreSQL binaries (initdb, pg_ctl) and cannot install them" >&2; return 2; }
    fi
    rm -rf "$dir"; mkdir -p "$dir" || return 2; chmod 755 "$dir"
    local owner; owner="$(id -un)"
    if [ "$(id -u)" -eq 0 ]; then
      if id postgres >/dev/null 2>&1; then owner=postgres
      else
        id heartdesk-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin heartdesk-pg
        owner=heartdesk-pg
      fi
      chown "$owner" "$dir" || return 2
    fi
    echo "$owner" > "$dir/owner"
    local port
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')" || return 2
    _hd_pg_as "$bindir/initdb" -D "$dir/data" -U heartdesk --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || _hd_pg_as "$bindir/initdb" -D "$dir/data" -U heartdesk --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; return 2; }
    _hd_pg_as "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
      start >/dev/null || { cat "$dir/server.log" >&2; return 2; }
    "$bindir/createdb" -h 127.0.0.1 -p "$port" -U heartdesk heartdesk_test || return 2
    echo "export HEARTDESK_TEST_POSTGRES_URL=postgresql+psycopg://heartdesk@127.0.0.1:$port/heartdesk_test" > "$dir/env"
  }

  case "$cmd" in
    ensure|start)
      if _hd_pg_alive; then
        HEARTDESK_PG_STARTED_HERE=0
      else
        _hd_pg_start || return $?
        HEARTDESK_PG_STARTED_HERE=1
      fi
      # shellcheck disable=SC1091
      . "$dir/env"
      if [ "$cmd" = start ]; then cat "$dir/env"; fi
      ;;
    stop) _hd_pg_stop ;;
    url) _hd_pg_alive || return 1; sed 's/^export HEARTDESK_TEST_POSTGRES_URL=//' "$dir/env" ;;
    *) echo "usage: postgres.sh [start|stop|url]   (or: source postgres.sh)" >&2; return 2 ;;
  esac
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  # Sourced: ensure a server, export the URL into the caller's shell, stop it on exit if we started it.
  _hd_pg_main ensure || return $?
  export HEARTDESK_TEST_POSTGRES_URL
  if [ "${HEARTDESK_PG_STARTED_HERE:-0}" = 1 ]; then
    _hd_pg_prev_trap="$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")"
    _hd_pg_dir="${HEARTDESK_PG_DIR:-$(_hd_pg_default_dir)}"
    # shellcheck disable=SC2064
    trap "HEARTDESK_PG_DIR='$_hd_pg_dir' _hd_pg_main stop; ${_hd_pg_prev_trap:-:}" EXIT
  fi
else
  set -euo pipefail
  _hd_pg_main "$@"
fi
