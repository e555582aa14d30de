"""The content words of a ticket's problem statement, as incident matching reads them.

Lower-cased words with stop words dropped and customer-service synonyms folded to one form
("package" and "parcel" are the same symptom), then unigrams and bigrams: the terms a match
reports as shared (see :mod:`heartdesk.incidents.grouping`).
"""

from __future__ import annotations

import itertools
import re

__all__ = ["CANON", "STOP", "SYNONYMS", "WORD", "canon", "terms", "words"]

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
STOP = frozenset(
    """a about above after again all am an and any are as at be been before being below both but by can
    could did do does doing don't down during each few for from further had has have having he her here
    hers him his how i i'm i've if in into is it it's its just me more most my no nor not now of off on once
    only or other our ours out over own same she should so some such than that the their them then there
    these they this those through to too under until up very was we we're were what when where which while
    who whom why will with would you your yours hi hello hey thanks thank please pls guys team anyone
    someone help also still again today yesterday morning just really since get got getting can't cannot
    doesn't isn't won't didn't keep keeps kept one any anything everything something nothing us our ok
    okay yes yeah hope know let lot like need needs want wanted trying tried try going seems seem
    every look looks looking see seeing seen waiting wait working work works worked stopped stop
    anymore any more time times day days week weeks month hours minutes ago now new whole same
    problem problems issue issues happening happened happen going wrong fine right people everyone
    staff customers customer clients client team our we've they're i'd i'll go goes went make made
    say says said tell told come comes came use used using""".split()
)


# A small hand-written table of customer-service synonyms (canonical form first). It only
# folds words that customers use interchangeably for the same symptom; written for heartdesk.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "login": ("log", "logging", "logon", "signin", "sign", "signing", "credentials"),
    "declined": ("decline", "refused", "rejected", "rejects", "reject"),
    "fail": ("fails", "failing", "failed", "failure", "failures", "broken", "broke", "error", "errors"),
    "parcel": ("package", "packages", "parcels", "shipment", "shipments"),
    "delivery": ("delivered", "deliveries", "deliver", "courier"),
    "crash": ("crashes", "crashing", "crashed", "quits", "closes", "dies"),
    "email": ("emails", "mail", "inbox"),
    "arrive": ("arrives", "arriving", "arrived", "receiving", "received", "reaching", "reach"),
    "charge": ("charged", "charges", "billed", "debits", "debit"),
    "twice": ("double", "duplicate", "2x"),
    "slow": ("sluggish", "crawling", "slowly"),
    "load": ("loads", "loading", "loaded"),
    "sms": ("text", "texts"),
    "code": ("codes", "passcode", "otp"),
    "refund": ("refunds", "refunded"),
    "upload": ("uploads", "uploading", "uploaded", "attach", "attachments", "attachment"),
    "timeout": ("timeouts", "timing", "504", "503"),
    "notification": ("notifications", "notify", "alerts", "alert"),
    "sync": ("syncing", "synced", "synchronise", "updating", "refreshed"),
    "stock": ("inventory", "quantities"),
    "disconnect": ("disconnects", "disconnecting", "drops", "drop", "cut"),
    "price": ("prices", "pricing", "priced"),
}
CANON = {w: c for c, ws in SYNONYMS.items() for w in ws}


def canon(w: str) -> str:
    """The canonical form of a lower-cased word (synonyms folded, a plural "s" dropped)."""
    if w in CANON:
        return CANON[w]
    if len(w) > 4 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    return CANON.get(w, w)


def words(text: str) -> list[str]:
    """The canonical content words of ``text``, in order."""
    return [canon(w) for w in WORD.findall(text.lower()) if w not in STOP and not (len(w) == 1 and not w.isdigit())]


def terms(text: str) -> list[str]:
    """Word unigrams and bigrams of the content words (what ``shared_terms`` reports)."""
    ws = words(text)
    return ws + [f"{a} {b}" for a, b in itertools.pairwise(ws)]
