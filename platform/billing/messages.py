"""The mail the tenant's admins get while its subscription is past due (days 0, 7 and 14).

Essential: nobody can switch off being told that their site will be suspended. The stored
params carry every figure as it was when the reminder was decided, so the mail tells what
the admins saw in the banner that day, whenever the outbox renders it.
"""

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from kernel.messages import MessageKind, register


def _past_due_context(params: dict[str, Any]) -> dict[str, Any]:
    return {
        "day": params["day"],
        "amount": params["amount"],
        "due_on": date.fromisoformat(params["due_on"]) if params.get("due_on") else None,
        "grace_until": date.fromisoformat(params["grace_until"]),
        "days_left": params["days_left"],
        "contact": params["contact"],
    }


def _example() -> dict[str, Any]:
    return _past_due_context(
        {
            "day": 7,
            "amount": 312_500,
            "due_on": "2026-11-30",
            "grace_until": "2026-12-21",
            "days_left": 14,
            "contact": "faktura@tovholder.dk",
        }
    )


PAST_DUE = register(
    MessageKind(
        slug="billing_past_due",
        label=_("The subscription is past due (administrators)"),
        template="billing/emails/past_due",
        essential=True,
        switch_off=None,
        context=_past_due_context,
        example=_example,
    )
)
