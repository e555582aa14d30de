"""Optional compiled build of the engine's hot modules (mypyc), loaded only while it matches the source.

The engine is pure Python and stays so: every result is the same with or without this build. On a
machine with a C compiler, ``heartdesk native build`` compiles the modules in
:data:`MODULES` with mypyc (the compiler that ships with mypy) into ``heartdesk/_native/``, beside
the package's sources, with a manifest of the SHA-256 of each source file it compiled. The README's
commands run it; ``bench/throughput.py`` reports which build it timed.

Why a directory of its own, and a manifest: an extension module next to its ``.py`` file would win
the import, so a developer's edit to the source would silently not run. Here :func:`activate`
(called first thing by ``import heartdesk``) installs an import hook for the compiled modules only
when every one of them was built from exactly the source now on disk, for this interpreter;
otherwise nothing is hooked and the pure-Python modules load as always. ``HEARTDESK_NO_NATIVE=1``
turns the build off without deleting it.

All or nothing, because compiled modules call each other's functions directly: mixing a compiled
module with an edited, interpreted one would run the old code behind the new.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import sysconfig
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

__all__ = ["MODULES", "NativeBuildError", "NativeStatus", "activate", "build", "check", "status"]

#: The hot path of ``analyze_many``: the detectors, their lexicon scans, the emotion cues, tone and the
#: scorecard. Modules that define Protocols or runtime-checked types stay interpreted.
MODULES: tuple[str, ...] = (
    "heartdesk.analysis.scorecard",
    "heartdesk.models.emotion",
    "heartdesk.models.features",
    "heartdesk.signals.agent",
    "heartdesk.signals.agent_context",
    "heartdesk.signals.agent_hits",
    "heartdesk.signals.agent_match",
    "heartdesk.signals.agent_patterns",
    "heartdesk.signals.agent_text",
    "heartdesk.signals.agent_unless",
    "heartdesk.signals.agent_words",
    "heartdesk.signals.context",
    "heartdesk.signals.conversation",
    "heartdesk.signals.customer",
    "heartdesk.signals.customer_issue",
    "heartdesk.signals.customer_prep",
    "heartdesk.signals.customer_scan",
    "heartdesk.signals.customer_sets",
    "heartdesk.signals.emotion_calm",
    "heartdesk.signals.emotion_cues",
    "heartdesk.signals.emotion_mix",
    "heartdesk.signals.pipeline",
    "heartdesk.signals.prefilter",
    "heartdesk.signals.re2_spans",
    "heartdesk.signals.rules",
    "heartdesk.signals.text",
    "heartdesk.signals.tone",
    "heartdesk.signals.tone_one",
)
GROUP = "heartdesk_native"  # mypyc's shared library for the modules: ``heartdesk_native__mypyc``
PACKAGE_DIR = Path(__file__).resolve().parent
NATIVE_DIR = PACKAGE_DIR / "_native"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class NativeStatus:
    active: bool
    reason: str  # one line for people: why the build is or is not in use

    def describe(self) -> str:
        return ("compiled (mypyc): " if self.active else "pure Python: ") + self.reason


_status = NativeStatus(False, "not checked yet")


def _source(module: str) -> Path:
    return PACKAGE_DIR.parent.joinpath(*module.split(".")).with_suffix(".py")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _ext_suffix() -> str:
    return str(sysconfig.get_config_var("EXT_SUFFIX") or importlib.machinery.EXTENSION_SUFFIXES[0])


def check(native_dir: Path = NATIVE_DIR) -> tuple[dict[str, Path] | None, str]:
    """The compiled file of each module (and of the shared library) if the build is usable, and why."""
    if os.environ.get("HEARTDESK_NO_NATIVE", "") not in ("", "0"):
        return None, "HEARTDESK_NO_NATIVE is set"
    try:
        manifest = json.loads((native_dir / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, "no compiled build (`heartdesk native build` makes one)"
    except (OSError, ValueError) as exc:
        return None, f"compiled build unreadable ({exc}); rebuild it"
    if manifest.get("ext_suffix") != _ext_suffix():
        return None, f"compiled build is for another interpreter ({manifest.get('ext_suffix')}); rebuild it"
    built = manifest.get("modules", {})
    if sorted(built) != sorted(MODULES):
        return None, "compiled build covers other modules than this version; rebuild it"
    for module in MODULES:
        try:
            same = _digest(_source(module)) == built[module]
        except OSError:
            same = False
        if not same:
            return None, f"compiled build is stale ({module} changed since); rebuild it"
    files = {m: native_dir.joinpath(*m.split(".")).with_name(m.rsplit(".", 1)[1] + _ext_suffix()) for m in MODULES}
    files[f"{GROUP}__mypyc"] = native_dir / f"{GROUP}__mypyc{_ext_suffix()}"
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        return None, f"compiled build is incomplete ({missing[0]} missing); rebuild it"
    return files, f"{len(MODULES)} modules built {manifest.get('built', '?')} with mypy {manifest.get('mypy', '?')}"


class _Finder(importlib.abc.MetaPathFinder):
    """Hands the import system the compiled file of exactly the modules in the build."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.files = files

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        file = self.files.get(fullname)
        if file is None:
            return None
        loader = importlib.machinery.ExtensionFileLoader(fullname, str(file))
        return importlib.util.spec_from_file_location(fullname, file, loader=loader)


def activate(native_dir: Path = NATIVE_DIR) -> NativeStatus:
    """Hook the compiled build in if it matches the sources (before any of its modules is imported)."""
    global _status
    if any(isinstance(f, _Finder) for f in sys.meta_path):
        return _status
    files, reason = check(native_dir)
    loaded = [m for m in MODULES if m in sys.modules]
    if files is not None and loaded:
        files, reason = None, f"{loaded[0]} was imported before the compiled build could be hooked in"
    if files is not None:
        sys.meta_path.insert(0, _Finder(files))
    _status = NativeStatus(files is not None, reason)
    return _status


def status() -> NativeStatus:
    """Whether this process runs the compiled modules, and why (or why not)."""
    return _status


# ---------------------------------------------------------------------------- building

_SETUP = """\
from setuptools import setup
from mypyc.build import mypycify

setup(
    name="heartdesk-native",
    ext_modules=mypycify({paths!r}, group_name={group!r}, opt_level="3"),
    script_args=["build_ext", "--inplace"],
)
"""


class NativeBuildError(RuntimeError):
    """The compiled build could not be made (no compiler, no Python headers, no mypy)."""


def build(native_dir: Path = NATIVE_DIR, *, quiet: bool = False) -> Path:
    """Compile :data:`MODULES` into ``native_dir`` (replacing what was there); returns the manifest path.

    Works on a copy of the package, so a half-finished build never lands beside the sources.
    """
    import shutil
    import subprocess
    import tempfile
    from datetime import UTC, datetime

    try:
        import mypy.version
    except ImportError as exc:
        raise NativeBuildError("mypy is not installed (pip install 'heartdesk[dev]')") from exc
    include = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if not include.is_file():
        raise NativeBuildError(f"Python headers not found ({include}); on Debian: apt-get install python3-dev")
    if shutil.which(os.environ.get("CC", "cc")) is None and shutil.which("gcc") is None:
        raise NativeBuildError("no C compiler found; on Debian: apt-get install gcc")
    digests = {m: _digest(_source(m)) for m in MODULES}
    with tempfile.TemporaryDirectory(prefix="heartdesk-native-") as tmp:
        work = Path(tmp)
        shutil.copytree(PACKAGE_DIR, work / "heartdesk", ignore=shutil.ignore_patterns("_native", "__pycache__", "*.so"))
        paths = [str(Path(*m.split(".")).with_suffix(".py")) for m in MODULES]
        (work / "setup.py").write_text(_SETUP.format(paths=paths, group=GROUP), encoding="utf-8")
        run = subprocess.run(
            [sys.executable, "setup.py"], cwd=work, capture_output=True, text=True, env={**os.environ, "MYPY_FORCE_COLOR": "0"}
        )
        if run.returncode != 0:
            tail = "\n".join((run.stdout + run.stderr).strip().splitlines()[-15:])
            raise NativeBuildError(f"mypyc failed:\n{tail}")
        if not quiet:
            print(f"compiled {len(MODULES)} modules with mypyc {mypy.version.__version__}", file=sys.stderr)
        staged = work / "_native"
        suffix = _ext_suffix()
        for module in MODULES:
            rel = Path(*module.split(".")).with_name(module.rsplit(".", 1)[1] + suffix)
            (staged / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(work / rel, staged / rel)
        shutil.copy2(work / f"{GROUP}__mypyc{suffix}", staged / f"{GROUP}__mypyc{suffix}")
        manifest = {
            "built": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "mypy": mypy.version.__version__,
            "ext_suffix": suffix,
            "modules": digests,
        }
        # The manifest goes first and comes back last: a process starting meanwhile finds no build
        # (and runs pure Python) rather than half of one. Old files are unlinked, never overwritten:
        # a running process keeps the libraries it has mapped.
        (native_dir / MANIFEST).unlink(missing_ok=True)
        if native_dir.exists():
            shutil.rmtree(native_dir)
        shutil.copytree(staged, native_dir)
        (native_dir / (MANIFEST + ".tmp")).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        os.replace(native_dir / (MANIFEST + ".tmp"), native_dir / MANIFEST)
    return native_dir / MANIFEST
