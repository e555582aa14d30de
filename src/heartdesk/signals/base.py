"""What a detector is, what it sees, and the registry that names them.

Built-in detectors register through :func:`register`, exactly as a plugin would
(a plugin module exposes the same decorator through the ``heartdesk.detectors``
entry-point group). Each detector declares the role it reads, what it requires
from earlier components and the labels it produces, like a spaCy component.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from importlib.metadata import entry_points
from typing import ClassVar, Literal, Protocol, TypeVar, runtime_checkable

from heartdesk.errors import HeartdeskError
from heartdesk.model import Finding, Role, Turn

# What detectors see and the helpers they share live in ``context`` (compiled in the optional
# native build; a module with Protocols cannot be); they are re-exported here, where plugins look.
from heartdesk.signals.context import CLAMPED, TurnContext, clamp_confidence, distress, new_finding

Reads = Literal["customer", "agent", "any"]

__all__ = [
    "CLAMPED",
    "Detector",
    "DetectorError",
    "Prepare",
    "Prepares",
    "Reads",
    "TurnContext",
    "clamp_confidence",
    "create",
    "distress",
    "new_finding",
    "preparer",
    "reads_role",
    "register",
    "registered",
    "unregister",
]


@runtime_checkable
class Detector(Protocol):
    """A named component that reads one turn (with context) and returns findings."""

    name: ClassVar[str]
    version: ClassVar[str]
    reads: ClassVar[Reads]
    requires: ClassVar[tuple[str, ...]]
    produces: ClassVar[tuple[str, ...]]

    def detect(self, turn: Turn, ctx: TurnContext) -> Iterable[Finding]: ...


Prepare = Callable[[Sequence[str]], Sequence[bool] | None]


@runtime_checkable
class Prepares(Protocol):
    """What a detector may add to :class:`Detector`: a look at a whole batch before its turns.

    The pipeline calls ``prepare`` once per batch with the texts of the batch's turns the
    detector reads (cut as ``detect`` sees them; one list object shared by every detector of
    the role, so that detectors can share work keyed on it). It returns, per text, whether
    ``detect`` may find anything there (False: the pipeline skips the call, so it must
    surely find nothing), or None to be called on every turn. Work done here for the whole
    batch (lower-casing, word sets, which patterns can match) replaces work per turn.
    """

    def prepare(self, texts: Sequence[str]) -> Sequence[bool] | None: ...


def preparer(detector: Detector) -> Prepare | None:
    """The detector's ``prepare`` method, or None when it has none."""
    return detector.prepare if isinstance(detector, Prepares) else None


class DetectorError(HeartdeskError):
    pass


D = TypeVar("D", bound=type)

_REGISTRY: dict[str, type] = {}
_plugins_loaded = False


def register(cls: D) -> D:
    """Class decorator: make a detector available by its ``name``."""
    name = getattr(cls, "name", None)
    if not isinstance(name, str) or not name:
        raise DetectorError("E101", f"detector class {cls.__qualname__} has no 'name'")
    for attr in ("version", "reads", "requires", "produces"):
        if not hasattr(cls, attr):
            raise DetectorError("E102", f"detector {name!r} does not declare {attr!r}")
    if name in _REGISTRY and _REGISTRY[name] is not cls:
        raise DetectorError("E103", f"two detectors are registered as {name!r}")
    _REGISTRY[name] = cls
    return cls


def unregister(name: str) -> None:
    """Forget a detector (tests, or a plugin that replaces a built-in under a new name)."""
    _REGISTRY.pop(name, None)


def _load() -> None:
    global _plugins_loaded
    import heartdesk.signals.builtin  # noqa: F401  (registers the built-ins)

    if not _plugins_loaded:
        _plugins_loaded = True
        for ep in entry_points(group="heartdesk.detectors"):
            ep.load()


def registered() -> dict[str, type]:
    """Every detector known by name: built-ins first, then plugins."""
    _load()
    return dict(_REGISTRY)


def create(name: str) -> Detector:
    classes = registered()
    if name not in classes:
        known = ", ".join(sorted(classes))
        raise DetectorError("E104", f"unknown detector {name!r}; known detectors: {known}")
    obj = classes[name]()
    if not isinstance(obj, Detector):
        raise DetectorError("E105", f"{name!r} does not implement detect(turn, ctx)")
    return obj


def reads_role(detector: Detector, role: Role) -> bool:
    return detector.reads == "any" or detector.reads == role


Factory = Callable[[], Detector]
