"""Detectors that read the customer's turns."""

from __future__ import annotations
