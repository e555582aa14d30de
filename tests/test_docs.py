"""Docs must not fall behind the code (the Datasette habit)."""

from __future__ import annotations

import re
from pathlib import Path

from heartdesk.analysis.scorecard import BASE, WEIGHTS
from heartdesk.signals.base import registered

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_scorecard_weight_is_documented() -> None:
    page = (DOCS / "scorecard.md").read_text(encoding="utf-8")
    for dim, weights in WEIGHTS.items():
        row = next((line for line in page.splitlines() if line.startswith(f"| {dim} |")), None)
        assert row is not None, f"docs/scorecard.md has no row for {dim}"
        assert f"| {BASE[dim]:.0f}" in row, f"base of {dim} differs from docs"
        for label, w in weights.items():
            sign = "+" if w > 0 else "−"
            assert f"{label} {sign}{abs(w):.0f}" in row, f"{dim}: {label} {w} is not in docs/scorecard.md"


def test_every_label_is_documented_in_signals_md() -> None:
    page = (DOCS / "signals.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^###\s+`([a-z_]+)`", page, flags=re.MULTILINE))
    produced = {label for cls in registered().values() for label in cls.produces}
    missing = produced - documented
    assert not missing, f"labels without a '### `label`' section in docs/signals.md: {sorted(missing)}"


def _documented_codes(doc: str) -> set[str]:
    codes = set(re.findall(r"E\d{3}", doc))
    for a, b in re.findall(r"E(\d{3})[–-]E(\d{3})", doc):  # a range row: "E120–E123"
        codes |= {f"E{i:03d}" for i in range(int(a), int(b) + 1)}
    return codes


def test_every_error_code_raised_in_the_code_is_documented() -> None:
    src = Path(__file__).resolve().parents[1] / "src" / "heartdesk"
    used = {code for f in src.rglob("*.py") for code in re.findall(r"[\"'](E\d{3})[\"']", f.read_text(encoding="utf-8"))}
    documented = _documented_codes((DOCS / "errors.md").read_text(encoding="utf-8"))
    assert len(used) > 100  # the scan itself works
    assert sorted(used - documented) == []


def test_every_environment_variable_is_documented_in_settings_md() -> None:
    page = (DOCS / "settings.md").read_text(encoding="utf-8")
    root = Path(__file__).resolve().parents[1]
    files = [*root.joinpath("src", "heartdesk").rglob("*.py"), *root.joinpath("scripts").glob("*.sh")]
    files += root.joinpath("tests").rglob("*.py")
    used = {v for f in files for v in re.findall(r"HEARTDESK_[A-Z_]*[A-Z]", f.read_text(encoding="utf-8"))}
    used -= {"HEARTDESK_COACH_LLM", "HEARTDESK_PG_STARTED_HERE"}  # a prefix in prose; postgres.sh's own bookkeeping
    assert len(used) > 20  # the scan itself works
    assert sorted(v for v in used if f"`{v}`" not in page) == []


def test_every_desk_setting_is_in_settings_md_with_its_default_and_help() -> None:
    import json

    from heartdesk.desk.settings import DeskSettings

    page = (DOCS / "settings.md").read_text(encoding="utf-8")
    for name, field in DeskSettings.model_fields.items():
        if field.exclude:
            continue
        env, _, help_text = (field.description or "").partition(": ")
        row = next((line for line in page.splitlines() if line.startswith(f"| `{env}` |")), None)
        assert row is not None, f"docs/settings.md has no row for {env} ({name})"
        default = field.default_factory() if field.default_factory else field.default  # type: ignore[call-arg]
        shown = ",".join(default) if isinstance(default, tuple) else json.dumps(default) if isinstance(default, dict) else default
        assert f"`{'(unset)' if default is None else shown}`" in row, f"{env}: default {default!r} differs from docs"
        assert help_text[1:] in row, f"{env}: the help text differs from docs/settings.md"
