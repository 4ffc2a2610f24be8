from typing import Any

from django import template

from apps.reports.charts import number, percent

register = template.Library()


@register.filter
def num(value: Any, decimals: int = 0) -> str:
    return number(value, decimals)


@register.filter
def pct(value: float | None) -> str:
    return percent(value)
