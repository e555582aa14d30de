"""Signals: one small registered detector per behaviour, run by a pipeline."""

from __future__ import annotations

from heartdesk.signals.base import Detector, TurnContext, register, registered
from heartdesk.signals.pipeline import Pipeline, analyze, analyze_many, default_pipeline

__all__ = ["Detector", "Pipeline", "TurnContext", "analyze", "analyze_many", "default_pipeline", "register", "registered"]
