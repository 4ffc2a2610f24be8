"""Reading links back from sent mail, in one place (the mail layer may change under it)."""

from django.core import mail


def link_in_mail(fragment: str, *, to: str | None = None) -> str:
    """The first word of the last mail (to `to`, if given) that contains `fragment`."""
    sent = [m for m in mail.outbox if to is None or m.to == [to]]
    assert sent, f"no mail was sent{f' to {to}' if to else ''}"
    return next(word for word in sent[-1].body.split() if fragment in word)


def path_of(url: str, host: str) -> str:
    """The path of an absolute link on `host` (the test client takes the host separately)."""
    assert f"://{host}/" in url, url
    return url.split(host, 1)[1]
