"""Throttling of sign-ins and of the mails strangers can make us send (docs/security.md).

Failed password sign-ins count three ways, each per tenant schema (kernel.ratelimit):

- per account *and* IP (RATELIMIT_SIGNIN_ACCOUNT_IP, 5 per 15 min): the lock a guesser
  meets. It locks the guesser's address out of that account, not the account's owner
  elsewhere, so a stranger cannot lock someone out just by typing their address;
- per IP (RATELIMIT_SIGNIN_IP, 20 per 15 min): one address trying many accounts;
- per account (RATELIMIT_SIGNIN_ACCOUNT, 50 per hour): guessing spread over many
  addresses. Softer, because it locks the owner out too: one address can add at most 20 an
  hour, so it takes several to reach it — and even then the sign-in link still works.

A locked form refuses even the right password (or guessing would just go on), says in
plain words how long to wait and what to do instead, and answers 429 with Retry-After.
A lock is written to the audit log once, when it starts.

Sign-in links and registrations both send a mail to an address the visitor typed: they
share a count per address (RATELIMIT_MAIL_ADDRESS) and have one each per IP.
"""

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.services import sign_in_lock_record
from kernel import ratelimit
from kernel.http import client_ip, ip_identity
from kernel.ratelimit import Limit, Verdict


class SignInThrottle:
    """The three counts of failed password sign-ins for one posted address and client."""

    def __init__(self, request: HttpRequest) -> None:
        self.ip = client_ip(request)
        self.email = str(request.POST.get("username", "")).strip().lower()[:254]
        bucket = ip_identity(self.ip)
        self._identities: list[tuple[str, tuple[str, ...]]] = [
            ("RATELIMIT_SIGNIN_ACCOUNT_IP", (self.email, bucket)),
            ("RATELIMIT_SIGNIN_IP", (bucket,)),
            ("RATELIMIT_SIGNIN_ACCOUNT", (self.email,)),
        ]

    def locked(self) -> Verdict | None:
        """The lock in force (the longest, if several), or None."""
        verdicts = [ratelimit.peek(Limit.setting(name), *ids) for name, ids in self._identities]
        return _longest([v for v in verdicts if v.exhausted])

    def failed(self) -> Verdict | None:
        """Count a failure; the lock it starts (or one already in force), or None."""
        verdicts = [ratelimit.hit(Limit.setting(name), *ids) for name, ids in self._identities]
        for verdict in verdicts:
            if verdict.count == verdict.limit.count:  # this failure starts the lock
                sign_in_lock_record(
                    email=self.email,
                    ip=self.ip,
                    limit=verdict.limit.name,
                    minutes=verdict.minutes,
                )
        return _longest([v for v in verdicts if v.exhausted])

    def succeeded(self) -> None:
        """A right password clears this address's failures on this account (not the
        per-IP or per-account counts, which others share)."""
        name, ids = self._identities[0]
        ratelimit.reset(Limit.setting(name), *ids)


def _longest(verdicts: list[Verdict]) -> Verdict | None:
    return max(verdicts, key=lambda v: v.retry_after, default=None)


class ThrottledSignInMixin:
    """For a LoginView (the tenant's and the console's): counts failed passwords and
    answers a locked form with a 429 and the lockout text."""

    request: HttpRequest
    throttle: SignInThrottle

    def lockout_help(self) -> str:
        """What a locked-out person can do besides waiting."""
        return _(
            "You can sign in at once with a sign-in link by email (below), "
            "or ask your coordinator for help."
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.throttle = SignInThrottle(request)
        verdict = self.throttle.locked()
        if verdict is not None:
            # The form is not even checked: a locked form must not confirm a right guess.
            return self._locked(verdict)
        return super().post(request, *args, **kwargs)  # type: ignore[misc]

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        self.throttle.succeeded()
        return super().form_valid(form)  # type: ignore[misc]

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        # Only a wrong address or password counts: not an empty field, an inactive account
        # or (in the console) a missing one-time code after the right password.
        if form.has_error(NON_FIELD_ERRORS, "invalid_login"):
            verdict = self.throttle.failed()
            if verdict is not None:
                return self._locked(verdict)
        return super().form_invalid(form)  # type: ignore[misc]

    def _locked(self, verdict: Verdict) -> HttpResponse:
        # An empty form again (the address filled in): no errors of its own to show.
        form_class = self.get_form_class()  # type: ignore[attr-defined]
        form = form_class(self.request, initial={"username": self.throttle.email})
        text = ngettext(
            "Too many failed attempts to sign in. Wait %(minutes)s minute before you try "
            "your password again.",
            "Too many failed attempts to sign in. Wait %(minutes)s minutes before you try "
            "your password again.",
            verdict.minutes,
        ) % {"minutes": verdict.minutes}
        context = self.get_context_data(  # type: ignore[attr-defined]
            form=form, lockout={"text": text, "help": self.lockout_help()}
        )
        response = self.render_to_response(context, status=429)  # type: ignore[attr-defined]
        response["Retry-After"] = str(verdict.retry_after)
        return response


def ip_flooding(request: HttpRequest, setting: str) -> Verdict | None:
    """Count one request of this kind from the client's address; the verdict when it is
    over the limit (answer 429), else None."""
    verdict = ratelimit.hit(Limit.setting(setting), ip_identity(client_ip(request)))
    return None if verdict.allowed else verdict


def address_may_get_mail(email: str) -> bool:
    """Count one mail to `email` (a sign-in link, a registration); False once the address
    has had its share for now. The caller then answers as if it had sent, so the page says
    nothing about the address."""
    return ratelimit.hit(Limit.setting("RATELIMIT_MAIL_ADDRESS"), email.strip().lower()).allowed


def too_many_requests(request: HttpRequest, verdict: Verdict) -> HttpResponse:
    return ratelimit.too_many_requests(request, verdict, "accounts/throttled.html")
