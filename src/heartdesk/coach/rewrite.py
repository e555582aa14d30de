"""The full rewrite: replacements applied, additions placed where a person would put them.

Order: greeting (the agent's own) -> acknowledgment -> paraphrase -> the draft's body (the
logical fix) -> gesture -> the wait -> next step -> the agent's own closing and sign-off.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence

from heartdesk.coach.text import facts, polish, sentences
from heartdesk.coach.tidy import tidy
from heartdesk.coach.types import Addition, Replacement

_GREETING = re.compile(
    r"\s*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings)\b[^,.!?\n]{0,40}(?:[,!.]|\n)[ \t]*\n*",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    r"^(?:(?:best|kind|warm|warmest|many)?\s*(?:regards|wishes)|thanks(?: again)?|thank you(?: again)?|cheers|sincerely|"
    r"all the best|take care|best)\b[^.!?]{0,40}[.!,]?$",
    re.IGNORECASE,
)
_HEAD = ("empathy", "paraphrase")
_MIDDLE = ("gesture", "wait", "ownership")


def _shift(pos: int, replacements: Sequence[Replacement]) -> int:
    """Where draft offset ``pos`` lands once the replacements are applied."""
    return pos + sum(len(r.text) - (r.end - r.start) for r in replacements if r.end <= pos)


def apply(draft: str, replacements: Sequence[Replacement]) -> str:
    out: list[str] = []
    pos = 0
    for r in replacements:
        out.append(draft[pos : r.start])
        out.append(r.text)
        pos = r.end
    out.append(draft[pos:])
    return "".join(out)


def _tail_start(draft: str, closing_spans: Iterable[tuple[int, int]]) -> int:
    """Start of the closing: the last run of sentences that are closings, sign-offs or a name."""
    spans = list(closing_spans)
    parts = sentences(draft)
    start = len(draft)

    def closes(k: int) -> bool:
        s, e = parts[k]
        return any(s <= cs < e for cs, _ in spans) or _SIGN_OFF.match(draft[s:e]) is not None

    for k in range(len(parts) - 1, -1, -1):
        s, e = parts[k]
        piece = draft[s:e]
        # A name signs off only after a sign-off line ("Best regards,\nTom").
        is_name = len(piece.split()) <= 3 and piece[-1:] not in ".!?" and k > 0 and closes(k - 1)
        if not (closes(k) or is_name):
            break
        start = s
    return start


def compose(
    draft: str,
    replacements: Sequence[Replacement],
    additions: Sequence[Addition],
    closing_spans: Iterable[tuple[int, int]] = (),
    when: Sequence[str] = (),
    canned: Collection[str] = (),
) -> str:
    greeting = _GREETING.match(draft)
    g_end = greeting.end() if greeting and greeting.end() < len(draft) else 0
    t_start = max(_tail_start(draft, closing_spans), g_end)
    text = apply(draft, replacements)
    g_new, t_new = _shift(g_end, replacements), _shift(t_start, replacements)
    head, body, tail = text[:g_new], text[g_new:t_new].strip(), text[t_new:].strip()
    before = [a.text for k in _HEAD for a in additions if a.kind == k]
    after = [a.text for k in _MIDDLE for a in additions if a.kind == k]
    # A body ending in a list item (no closing punctuation) keeps the next sentence on its own line.
    glue = "\n" if body and "\n" in body and body[-1].isalnum() else " "
    if body and glue == " " and after and body[-1].isalnum():
        body += "."  # "ok" before an added sentence: "Ok. Leave it with me: ..."
    middle = " ".join(p for p in (*before, body) if p)
    if after:
        middle = (middle + glue if middle else "") + " ".join(after)
    sep = "\n" if "\n" in draft[:t_start][-3:] or "\n" in draft[t_start - 2 : t_start] else " "
    if head and not head[-1].isspace():
        head += " "
    text = polish(head + middle + (sep + tail if tail else ""))
    return tidy(text, [r.text for r in replacements], [a.text for a in additions], when, facts(draft), canned)
