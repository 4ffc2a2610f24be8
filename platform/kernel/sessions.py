"""The idle clock of a signed-in session, kept in the session itself (so the browser still
sends the cookie when the time is up and the sign-in page can say why). A request moves the
clock at most once a minute, so a page of many requests writes the session once."""

import time
from typing import Any

SEEN = "idle.seen"  # the last request (epoch seconds, at most a minute old)
SEEN_RESOLUTION_SECONDS = 60


def clock_start(session: Any) -> None:
    session[SEEN] = int(time.time())


def clock_idle_over(session: Any, *, minutes: int, applies: bool = True) -> bool:
    """True when the session has been idle longer than `minutes` and the limit `applies`
    (the caller signs the person out); otherwise the clock starts again from now."""
    now = int(time.time())
    seen = session.get(SEEN)
    if applies and seen is not None and now - int(seen) > minutes * 60:
        return True
    if seen is None or now - int(seen) >= SEEN_RESOLUTION_SECONDS:
        session[SEEN] = now
    return False
