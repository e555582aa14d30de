"""Detectors that read the agent's turns."""

from __future__ import annotations

from heartdesk.signals.base import register
from heartdesk.signals.rules import LexiconDetector


@register
class Confrontational(LexiconDetector):
    name = "confrontational"
    reads = "agent"
    produces = ("confrontational",)
    lexicon = "confrontational"
