"""An optional language-model rewriter, behind the same guard as the template rewrite.

Off by default: the coach's own rewrite (engine + templates) needs no model and no network.
A team that runs a model server of its own (Ollama, vLLM, llama.cpp — anything that speaks
the OpenAI-compatible ``POST {base_url}/chat/completions``) can let it write the rewrite
instead. Its output is never trusted as it comes: :func:`guarded_rewrite` re-analyses it and
rejects it when it adds a problem finding (confrontational, bare policy, ...) or drops a fact
of the draft (an order number, an amount, a date, a name). A rejected or failed call falls
back to the template rewrite, and the review says why in its notes.

Configured with ``HEARTDESK_COACH_LLM_URL`` (e.g. ``http://127.0.0.1:11434/v1``),
``HEARTDESK_COACH_LLM_MODEL`` (e.g. ``llama3.1:8b``), optionally ``HEARTDESK_COACH_LLM_KEY``
and ``HEARTDESK_COACH_LLM_TIMEOUT`` (seconds, default 10). Only the standard library is used.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from heartdesk.coach.errors import CoachError
from heartdesk.coach.text import facts
from heartdesk.coach.types import PROBLEM_LABELS
from heartdesk.model import Analysis, Conversation

__all__ = ["LLMRewriter", "RewriteOutcome", "Rewriter", "guarded_rewrite", "rewriter_from_env"]

SYSTEM_PROMPT = (
    "You rewrite a customer-service agent's draft reply. Keep every fact of the draft exactly as written "
    "(order numbers, amounts, dates, names, times). Acknowledge the customer's feelings, restate their "
    "problem briefly, give the fix and the next step, and never blame the customer, quote a policy without "
    "an alternative, or pass them to another team without taking ownership. Answer with the rewritten reply "
    "only: no preamble, no quotes, no placeholders."
)
#: The longest answer accepted from the model: a rewrite is a reply, not an essay.
MAX_ANSWER_CHARS = 8_000


class Rewriter(Protocol):
    """Anything that turns a draft (with its context and the coach's own rewrite) into a better reply."""

    @property
    def name(self) -> str: ...

    def rewrite(self, *, draft: str, conversation: Conversation | None, suggestion: str) -> str: ...


@dataclass(frozen=True, slots=True)
class LLMRewriter:
    """A rewriter over an OpenAI-compatible chat-completions endpoint."""

    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 10.0
    temperature: float = 0.2

    @property
    def name(self) -> str:
        return f"llm:{self.model}"

    def messages(self, *, draft: str, conversation: Conversation | None, suggestion: str) -> list[dict[str, str]]:
        context = "\n".join(f"{t.role}: {t.text}" for t in (conversation.turns if conversation else ()))
        user = (
            f"Conversation so far:\n{context or '(none)'}\n\nAgent's draft:\n{draft}\n\n"
            f"A suggested rewrite to improve on:\n{suggestion}"
        )
        return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]

    def rewrite(self, *, draft: str, conversation: Conversation | None, suggestion: str) -> str:
        body = json.dumps(
            {
                "model": self.model,
                "temperature": self.temperature,
                "messages": self.messages(draft=draft, conversation=conversation, suggestion=suggestion),
            }
        ).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        url = self.base_url.rstrip("/") + "/chat/completions"
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                raw = answer.read(MAX_ANSWER_CHARS * 4 + 65_536)
        except urllib.error.HTTPError as exc:
            raise CoachError("E720", f"the rewriter at {url} answered HTTP {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise CoachError("E720", f"the rewriter at {url} cannot be reached: {reason}") from None
        try:
            doc = json.loads(raw)
            text = doc["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise CoachError("E721", f"the rewriter at {url} did not answer a chat completion") from None
        if not isinstance(text, str) or not text.strip():
            raise CoachError("E721", f"the rewriter at {url} answered an empty reply")
        return text.strip()


@dataclass(frozen=True, slots=True)
class RewriteOutcome:
    """What became of a language-model rewrite: ``text`` when accepted, else ``None`` and why."""

    text: str | None
    note: str


def guarded_rewrite(
    rewriter: Rewriter,
    *,
    draft: str,
    conversation: Conversation | None,
    suggestion: str,
    analyze: Callable[[Conversation | None, str], Analysis],
) -> RewriteOutcome:
    """Ask ``rewriter`` for a rewrite and keep it only if, re-analysed, it is clean and keeps the facts."""
    try:
        text = rewriter.rewrite(draft=draft, conversation=conversation, suggestion=suggestion)
    except CoachError as exc:
        return RewriteOutcome(None, f"{rewriter.name} rewrite not used: {exc.message}")
    if len(text) > MAX_ANSWER_CHARS:
        return RewriteOutcome(None, f"{rewriter.name} rewrite not used: longer than {MAX_ANSWER_CHARS} characters")
    if "{" in text and "}" in text:
        return RewriteOutcome(None, f"{rewriter.name} rewrite not used: it contains a placeholder")
    lost = [f for f in facts(draft) if f not in text]
    if lost:
        return RewriteOutcome(None, f"{rewriter.name} rewrite not used: it drops {', '.join(repr(f) for f in lost[:3])}")
    found = analyze(conversation, text).turns[-1].findings
    problems = sorted({f.label for f in found if f.present and f.label in PROBLEM_LABELS})
    if problems:
        return RewriteOutcome(None, f"{rewriter.name} rewrite not used: it reads as {', '.join(problems)}")
    return RewriteOutcome(text, f"rewritten by {rewriter.name}, checked by the engine")


def rewriter_from_env(environ: Mapping[str, str] | None = None) -> LLMRewriter | None:
    """The rewriter the HEARTDESK_COACH_LLM_* variables describe, or None when they are not set."""
    env = os.environ if environ is None else environ
    url = env.get("HEARTDESK_COACH_LLM_URL", "").strip()
    model = env.get("HEARTDESK_COACH_LLM_MODEL", "").strip()
    if not url and not model:
        return None
    if not url or not model:
        raise CoachError("E722", "set both HEARTDESK_COACH_LLM_URL and HEARTDESK_COACH_LLM_MODEL, or neither")
    if not url.startswith(("http://", "https://")):
        raise CoachError("E722", f"HEARTDESK_COACH_LLM_URL must be an http(s) URL; got {url!r}")
    raw_timeout = env.get("HEARTDESK_COACH_LLM_TIMEOUT", "10").strip() or "10"
    try:
        timeout = float(raw_timeout)
    except ValueError:
        raise CoachError("E722", f"HEARTDESK_COACH_LLM_TIMEOUT must be a number of seconds; got {raw_timeout!r}") from None
    if not 0 < timeout <= 120:
        raise CoachError("E722", f"HEARTDESK_COACH_LLM_TIMEOUT must be in (0, 120]; got {timeout}")
    return LLMRewriter(url, model, env.get("HEARTDESK_COACH_LLM_KEY") or None, timeout)
