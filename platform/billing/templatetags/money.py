from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def kroner(ore: int | None) -> str:
    """An amount in øre as kroner with two decimals, grouped the language's way."""
    if ore is None:
        return ""
    amount = number_format(Decimal(ore) / 100, 2, use_l10n=True, force_grouping=True)
    return _("DKK %(amount)s") % {"amount": amount}
