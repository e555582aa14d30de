"""Imports every built-in detector module so their ``@register`` decorators run.

Built-ins use the very registry a plugin uses; this module is only the list.
"""

from __future__ import annotations

from heartdesk.signals import agent, conversation, customer, customer_issue  # noqa: F401
