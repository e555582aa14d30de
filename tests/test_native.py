"""The optional compiled build (heartdesk.native): used only when it matches the sources, and it
changes nothing but speed.

``scripts/test.sh`` builds it and sets ``HEARTDESK_EXPECT_NATIVE=1``; under that flag these tests
insist that the engine's modules really are the compiled ones, and compare their output with a
pure-Python process (``HEARTDESK_NO_NATIVE=1``) on the same conversations.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import heartdesk
from heartdesk import native
from heartdesk.demo.desk import load_plan

EXPECT = os.environ.get("HEARTDESK_EXPECT_NATIVE", "") not in ("", "0")


def _fake_build(root: Path, **changes: object) -> Path:
    """A build directory whose manifest matches the current sources (and empty stand-in files)."""
    suffix = native._ext_suffix()
    for module in native.MODULES:
        rel = Path(*module.split(".")).with_name(module.rsplit(".", 1)[1] + suffix)
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"")
    (root / f"{native.GROUP}__mypyc{suffix}").write_bytes(b"")
    manifest: dict[str, object] = {
        "built": "now",
        "mypy": "x",
        "ext_suffix": suffix,
        "modules": {m: native._digest(native._source(m)) for m in native.MODULES},
    }
    manifest.update(changes)
    (root / native.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return root


def test_a_build_made_from_these_sources_is_usable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEARTDESK_NO_NATIVE", raising=False)
    files, reason = native.check(_fake_build(tmp_path))
    assert files is not None, reason
    assert set(files) == {*native.MODULES, f"{native.GROUP}__mypyc"}
    assert files["heartdesk.signals.agent_match"].parent == tmp_path / "heartdesk" / "signals"


def test_a_stale_build_is_refused_and_names_the_changed_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEARTDESK_NO_NATIVE", raising=False)
    digests = {m: native._digest(native._source(m)) for m in native.MODULES}
    digests["heartdesk.signals.tone"] = "0" * 64
    files, reason = native.check(_fake_build(tmp_path, modules=digests))
    assert files is None
    assert "stale" in reason and "heartdesk.signals.tone" in reason


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"ext_suffix": ".cpython-399-x.so"}, "another interpreter"),
        ({"modules": {"heartdesk.signals.text": "0"}}, "other modules"),
    ],
)
def test_a_build_for_something_else_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: dict[str, object], words: str
) -> None:
    monkeypatch.delenv("HEARTDESK_NO_NATIVE", raising=False)
    files, reason = native.check(_fake_build(tmp_path, **change))
    assert files is None and words in reason


def test_missing_unreadable_or_incomplete_builds_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEARTDESK_NO_NATIVE", raising=False)
    assert native.check(tmp_path / "nowhere") == (None, "no compiled build (`heartdesk native build` makes one)")
    broken = _fake_build(tmp_path / "broken")
    (broken / native.MANIFEST).write_text("{not json", encoding="utf-8")
    assert "unreadable" in native.check(broken)[1]
    partial = _fake_build(tmp_path / "partial")
    (partial / f"{native.GROUP}__mypyc{native._ext_suffix()}").unlink()
    files, reason = native.check(partial)
    assert files is None and "incomplete" in reason


def test_the_switch_turns_a_good_build_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARTDESK_NO_NATIVE", "1")
    assert native.check(_fake_build(tmp_path)) == (None, "HEARTDESK_NO_NATIVE is set")


def test_activate_never_hooks_in_after_the_modules_were_imported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # In this process the engine is loaded already: a matching build must not be mixed in now.
    monkeypatch.delenv("HEARTDESK_NO_NATIVE", raising=False)
    before = list(sys.meta_path)
    monkeypatch.setattr(sys, "meta_path", [f for f in before if not isinstance(f, native._Finder)])
    monkeypatch.setattr(native, "_status", native.NativeStatus(False, "reset"))
    got = native.activate(_fake_build(tmp_path))
    assert not got.active and "imported before" in got.reason
    assert not any(isinstance(f, native._Finder) for f in sys.meta_path)


def test_a_build_without_mypy_says_what_is_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "mypy.version", None)  # import fails as if mypy were not installed
    with pytest.raises(native.NativeBuildError, match="mypy is not installed"):
        native.build(tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_this_process_uses_the_build_exactly_when_it_matches() -> None:
    import heartdesk.analysis.scorecard as scorecard
    import heartdesk.signals.agent_match as agent_match

    usable = native.check()[0] is not None
    state = native.status()
    assert state.active == usable, state.describe()
    for module in (agent_match, scorecard):
        assert (Path(module.__file__ or "").suffix == ".so") == state.active
    if EXPECT:
        assert state.active, f"the test run expects the compiled build: {state.describe()}"


# ---------------------------------------------------------------- same results either way


def _corpus() -> list[dict[str, object]]:
    """Conversations from the demo desk, phrases of every lexicon as agent and customer turns, and
    awkward text: enough to exercise every detector, the cues, tone and the scorecard."""
    lines = (Path(heartdesk.__file__).parent / "demo" / "conversations.jsonl").read_text(encoding="utf-8")
    convs: list[dict[str, object]] = [json.loads(line) for line in lines.splitlines() if line.strip()]
    texts: list[str] = []
    for ticket in load_plan()["tickets"]:  # turns read "C: text" (customer) or "maya: text" (an agent)
        roles = [("customer" if t.startswith("C:") else "agent", t.split(":", 1)[1].strip()) for t in ticket["turns"]]
        convs.append({"id": ticket["id"], "turns": [{"role": r, "text": t} for r, t in roles]})
    drafts = Path(__file__).parent / "coach" / "data" / "drafts.jsonl"
    for line in drafts.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        convs.append({"id": case["id"], "turns": [*case["conversation"], {"role": "agent", "text": case["draft"]}]})
    texts += [
        "I'M FURIOUS!!! my router has been down 3 days and I'm losing customers. Cancel my account.",
        "Thanks so much, that sorted it 🙂",
        "مرحبا، طلبي لم يصل",
        "e\u0301\u0301 cafe\u0301 ß İstanbul ﬁne",
        "",
        "?!",
        "I understand how frustrating this is. Let me fix it for you today: I'll refund the charge now.",
        "That's our policy. Nothing I can do. You should have read the terms.",
        "So the parcel never arrived and you were charged twice, is that right?",
    ]
    for i in range(0, len(texts), 4):
        chunk = texts[i : i + 4]
        turns = [{"role": "customer" if j % 2 == 0 else "agent", "text": t} for j, t in enumerate(chunk)]
        convs.append({"id": f"mix-{i}", "turns": turns})
    return convs


def _analyse(corpus: Path, env: dict[str, str]) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "heartdesk.cli", "analyze", str(corpus), "--output", "-"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


def test_compiled_and_pure_python_give_byte_identical_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEARTDESK_NO_NATIVE", raising=False)  # this test decides for its processes
    corpus = tmp_path / "corpus.jsonl"
    convs = _corpus()
    corpus.write_text("".join(json.dumps(c) + "\n" for c in convs), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "HEARTDESK_NO_NATIVE"}
    probe = "import heartdesk; print(heartdesk.native.status().active)"
    active = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env).stdout.strip()
    assert active == str(native.check()[0] is not None)
    if EXPECT:
        assert active == "True"
    compiled = _analyse(corpus, env)
    pure = _analyse(corpus, {**env, "HEARTDESK_NO_NATIVE": "1"})
    assert len(compiled.splitlines()) == len(convs)
    assert compiled == pure
    # The corpus really exercises the engine: many labels fire.
    labels = {f["label"] for line in pure.splitlines() for t in json.loads(line)["turns"] for f in t["findings"]}
    assert len(labels) >= 12, labels


def test_compiled_modules_find_their_data_through_the_package() -> None:
    # A compiled module lives in _native/: its __file__ would point there, away from the data files.
    for module in native.MODULES:
        source = native._source(module).read_text(encoding="utf-8")
        assert "__file__" not in source, f"{module} uses __file__; name data through the package instead"
