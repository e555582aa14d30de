"""Detectors that need the shape of the whole conversation (interruption, escalation)."""

from __future__ import annotations
