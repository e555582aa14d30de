"""heartdesk: empathy in the machinery of customer support.

The library API::

    from heartdesk import analyze, analyze_many, Conversation, Turn

    conv = Conversation.of("c1", ("customer", "My order arrived broken!"),
                                 ("agent", "I'm so sorry, let me send a new one today."))
    result = analyze(conv)
    result.scorecard.empathy.score
"""

# ruff: noqa: E402 (the compiled build must be hooked in before the other imports)
from __future__ import annotations

from heartdesk import native

# Before any engine module is imported: the compiled build (if built from these sources) serves them.
native.activate()

from heartdesk.connectors import conversation_from_dict, load_conversations
from heartdesk.errors import HeartdeskError, InputError
from heartdesk.model import (
    Analysis,
    Conversation,
    Dimension,
    Emotion,
    Evidence,
    Finding,
    Scorecard,
    Trajectory,
    Turn,
    TurnAnalysis,
)
from heartdesk.signals import Pipeline, analyze, analyze_many

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "Conversation",
    "Dimension",
    "Emotion",
    "Evidence",
    "Finding",
    "HeartdeskError",
    "InputError",
    "Pipeline",
    "Scorecard",
    "Trajectory",
    "Turn",
    "TurnAnalysis",
    "__version__",
    "analyze",
    "analyze_many",
    "conversation_from_dict",
    "load_conversations",
]
