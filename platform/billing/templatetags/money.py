from decimal import Decimal
from typing import TYPE_CHECKING

from django import template
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from billing.notice import PastDueNotice

register = template.Library()


@register.filter
def kroner(ore: int | None) -> str:
    """An amount in øre as kroner with two decimals, grouped the language's way."""
    if ore is None:
        return ""
    amount = number_format(Decimal(ore) / 100, 2, use_l10n=True, force_grouping=True)
    return _("DKK %(amount)s") % {"amount": amount}


@register.filter
def days_left(notice: "PastDueNotice") -> int:
    """Whole days from today (the site's clock) to the last day before suspension."""
    return notice.days_left(timezone.localdate())
