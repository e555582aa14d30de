"""The optional language-model rewriter, against a small fake OpenAI-compatible server."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from heartdesk.coach.engine import analyze_draft
from heartdesk.coach.errors import CoachError
from heartdesk.coach.llm import LLMRewriter, guarded_rewrite, rewriter_from_env
from heartdesk.model import Conversation

CONTEXT = Conversation.of("c1", ("customer", "My order #48213 arrived broken and I need it before Friday!"))
DRAFT = "Order #48213 shows as delivered on Tuesday. You must have dropped it."
GOOD = (
    "I'm so sorry order #48213 arrived broken, especially when you need it before Friday. I'll send a "
    "replacement today by express courier so it reaches you by Thursday, and I'll email you the tracking "
    "number. It showed as delivered on Tuesday, so I'll also raise the damage with the carrier."
)


class FakeModelServer:
    """Answers /v1/chat/completions with whatever the test sets; records what it was sent."""

    def __init__(self) -> None:
        self.reply: Any = GOOD
        self.status = 200
        self.delay = 0.0
        self.requests: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                outer.requests.append(
                    {"path": self.path, "auth": self.headers.get("Authorization"), "body": json.loads(self.rfile.read(length))}
                )
                time.sleep(outer.delay)
                if isinstance(outer.reply, bytes):
                    payload = outer.reply
                else:
                    payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": outer.reply}}]}).encode()
                try:
                    self.send_response(outer.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (the timeout test)
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"


@pytest.fixture
def fake() -> Iterator[FakeModelServer]:
    server = FakeModelServer()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def _run(rewriter: LLMRewriter) -> Any:
    return guarded_rewrite(rewriter, draft=DRAFT, conversation=CONTEXT, suggestion="(template rewrite)", analyze=analyze_draft)


def test_a_clean_rewrite_that_keeps_the_facts_is_accepted(fake: FakeModelServer) -> None:
    outcome = _run(LLMRewriter(fake.url, "tiny-model", api_key="k-123"))
    assert outcome.text == GOOD
    assert "llm:tiny-model" in outcome.note
    sent = fake.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["auth"] == "Bearer k-123"
    assert sent["body"]["model"] == "tiny-model"
    user = sent["body"]["messages"][-1]["content"]
    assert DRAFT in user and "#48213 arrived broken" in user  # the draft and the context reach the model


def test_a_rewrite_that_adds_a_problem_is_rejected(fake: FakeModelServer) -> None:
    fake.reply = "Order #48213 was delivered on Tuesday. You must have dropped it, that's our policy."
    outcome = _run(LLMRewriter(fake.url, "m"))
    assert outcome.text is None
    assert "confrontational" in outcome.note


def test_a_rewrite_that_drops_a_fact_is_rejected(fake: FakeModelServer) -> None:
    fake.reply = "I'm so sorry your order arrived broken. I'll send a replacement today."
    outcome = _run(LLMRewriter(fake.url, "m"))
    assert outcome.text is None
    assert "48213" in outcome.note


def test_a_placeholder_is_rejected(fake: FakeModelServer) -> None:
    fake.reply = GOOD + " Regards, {agent_name}"
    assert _run(LLMRewriter(fake.url, "m")).text is None


@pytest.mark.parametrize(
    ("status", "reply", "code"),
    [(500, GOOD, "E720"), (200, b"not json", "E721"), (200, b'{"choices": []}', "E721"), (200, "   ", "E721")],
)
def test_server_failures_fall_back_with_a_note(fake: FakeModelServer, status: int, reply: Any, code: str) -> None:
    fake.status, fake.reply = status, reply
    with pytest.raises(CoachError, match=code):
        LLMRewriter(fake.url, "m").rewrite(draft=DRAFT, conversation=CONTEXT, suggestion="x")
    outcome = _run(LLMRewriter(fake.url, "m"))
    assert outcome.text is None and "not used" in outcome.note


def test_a_slow_server_times_out(fake: FakeModelServer) -> None:
    fake.delay = 1.0
    outcome = _run(LLMRewriter(fake.url, "m", timeout=0.2))
    assert outcome.text is None and "cannot be reached" in outcome.note


def test_an_unreachable_server_falls_back() -> None:
    outcome = _run(LLMRewriter("http://127.0.0.1:9/v1", "m", timeout=1.0))
    assert outcome.text is None and "cannot be reached" in outcome.note


def test_off_unless_configured() -> None:
    assert rewriter_from_env({}) is None
    r = rewriter_from_env({"HEARTDESK_COACH_LLM_URL": "http://127.0.0.1:11434/v1", "HEARTDESK_COACH_LLM_MODEL": "llama3.1:8b"})
    assert r is not None and r.model == "llama3.1:8b" and r.timeout == 10.0


@pytest.mark.parametrize(
    "env",
    [
        {"HEARTDESK_COACH_LLM_URL": "http://x/v1"},
        {"HEARTDESK_COACH_LLM_MODEL": "m"},
        {"HEARTDESK_COACH_LLM_URL": "ftp://x", "HEARTDESK_COACH_LLM_MODEL": "m"},
        {"HEARTDESK_COACH_LLM_URL": "http://x", "HEARTDESK_COACH_LLM_MODEL": "m", "HEARTDESK_COACH_LLM_TIMEOUT": "soon"},
        {"HEARTDESK_COACH_LLM_URL": "http://x", "HEARTDESK_COACH_LLM_MODEL": "m", "HEARTDESK_COACH_LLM_TIMEOUT": "0"},
    ],
)
def test_half_or_bad_configuration_is_a_numbered_error(env: dict[str, str]) -> None:
    with pytest.raises(CoachError, match="E722"):
        rewriter_from_env(env)


def _client(tmp_path: Any, rewriter: Any) -> Any:
    from fastapi.testclient import TestClient

    from heartdesk.desk.db import Database, make_engine
    from heartdesk.desk.settings import load_settings
    from heartdesk.web import create_app

    url = f"sqlite:///{tmp_path / 'coach.db'}"
    settings = load_settings(environ={}, database_url=url)
    return TestClient(
        create_app(database=Database(make_engine(url, settings=settings), settings=settings), coach_rewriter=rewriter)
    )


def test_the_http_coach_uses_a_configured_rewriter_and_says_so(fake: FakeModelServer, tmp_path: Any) -> None:
    body = {"draft": DRAFT, "conversation": {"turns": [{"role": "customer", "text": CONTEXT.turns[0].text}]}}
    with _client(tmp_path, LLMRewriter(fake.url, "tiny-model")) as client:
        accepted = client.post("/api/v1/coach", json=body).json()
        fake.reply = "You must have dropped order #48213 on Tuesday."
        rejected = client.post("/api/v1/coach", json=body).json()
    assert accepted["rewrite"] == GOOD and any("llm:tiny-model" in n for n in accepted["notes"])
    assert rejected["rewrite"] != fake.reply and "48213" in rejected["rewrite"]  # the template rewrite stands
    assert any("not used" in n for n in rejected["notes"])


def test_without_a_rewriter_no_model_is_called(fake: FakeModelServer, tmp_path: Any) -> None:
    with _client(tmp_path, None) as client:
        answer = client.post("/api/v1/coach", json={"draft": DRAFT}).json()
    assert fake.requests == [] and answer["rewrite"] and not any("llm" in n for n in answer["notes"])
