# Sourced by run.sh and test.sh after _venv.sh: the compiled build of the engine's hot modules
# (`heartdesk native build`, mypyc; the same results as pure Python, faster), rebuilt only when one
# of those sources changed. It needs a C compiler and Python's headers: when missing, and we are
# root with apt-get (a fresh machine), they are installed (gcc, python3.X-dev). Set
# HEARTDESK_NO_NATIVE=1 to skip the build and run pure Python.
#
# hd_native_build required|optional: with "required" (the test suite, which checks that the build is
# in use and gives the same results) a failed build fails; with "optional" it is only reported.
hd_native_build() {
  local mode="$1"
  if [ "${HEARTDESK_NO_NATIVE:-0}" != "0" ] && [ -n "${HEARTDESK_NO_NATIVE:-}" ]; then
    echo "native.sh: HEARTDESK_NO_NATIVE is set: pure Python" >&2; return 0
  fi
  if .venv/bin/heartdesk native status >/dev/null 2>&1; then return 0; fi
  local inc ver pkgs=()
  inc=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
  ver=$(.venv/bin/python -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  command -v gcc >/dev/null 2>&1 || command -v cc >/dev/null 2>&1 || pkgs+=(gcc)
  [ -f "$inc/Python.h" ] || pkgs+=("python${ver}-dev")
  if [ "${#pkgs[@]}" -gt 0 ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "native.sh: installing ${pkgs[*]} (apt-get) for the compiled build" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >&2 || true
  fi
  echo "native.sh: compiling the engine's hot modules (mypyc, about a minute)" >&2
  if .venv/bin/heartdesk native build >&2; then return 0; fi
  if [ "$mode" = "required" ]; then
    echo "native.sh: the compiled build failed (see above); set HEARTDESK_NO_NATIVE=1 to test pure Python only" >&2
    return 2
  fi
  echo "native.sh: no compiled build; running pure Python (the same results, slower)" >&2
}
