"""What the demo's events are, by the time of year they fall in.

The demo is seeded on any day of the year and its events lie weeks before and after that day,
so each is chosen for the month it falls in: no spring cleaning in September, no harbour
festival in January.
"""

from datetime import date

ALL_YEAR = frozenset(range(1, 13))
SUMMER = frozenset({6, 7, 8})

# The demo's upcoming events, one per slot: (months, title). The slots keep their organiser,
# tasks and place (seed_marketplace); only what the event is changes with the season.
UPCOMING: dict[str, list[tuple[frozenset[int], str]]] = {
    "festival": [  # Havnefestforeningen: the big one, with a bar and a waitlist to show
        (SUMMER, "Havnefest"),
        (frozenset({9, 10}), "Høstfest på havnen"),
        (frozenset({11, 12}), "Julemarked på havnen"),
        (frozenset({1, 2}), "Vinterfest på havnen"),
        (frozenset({3, 4, 5}), "Forårsfest på havnen"),
    ],
    "run": [(ALL_YEAR, "Motionsløb rundt om søen")],
    "homework": [  # the full shift with a waitlist; no homework in the summer holiday
        (ALL_YEAR - {7}, "Lektiecafé"),
        (frozenset({7}), "Sommerlæsning på biblioteket"),
    ],
    "nature": [
        (frozenset(range(4, 11)), "Strandrensning"),
        (frozenset({11, 12, 1, 2, 3}), "Byg fuglekasser til foråret"),
    ],
}

# Past events for the reports: (months, title, category). At least two fit every month, so
# two past events in the same month still differ.
PAST_IDEAS: list[tuple[frozenset[int], str, str]] = [
    (frozenset({1}), "Nytårskur for frivillige", "socialt"),
    (frozenset({1, 2, 3}), "Vinterbadning for begyndere", "idraet"),
    (frozenset({2}), "Fastelavnsfest", "socialt"),
    (frozenset({3, 4, 5}), "Forårsrengøring i parken", "natur"),
    (frozenset({3, 4}), "Påskeværksted for børn", "socialt"),
    (frozenset({4, 5, 6, 7, 8, 9}), "Loppemarked", "socialt"),
    (SUMMER, "Sommerkoncert i parken", "kultur"),
    (frozenset({9, 10}), "Høstmarked", "socialt"),
    (frozenset({9, 10}), "Kulturnat", "kultur"),
    (frozenset({11, 12}), "Julemarked", "socialt"),
    (frozenset({11, 12}), "Juletræstænding på torvet", "kultur"),
    (frozenset({11, 12, 1, 2}), "Byg fuglekasser", "natur"),
    (ALL_YEAR, "Motionsløb", "idraet"),
]


def upcoming_title(slot: str, day: date) -> str:
    """The title of an upcoming demo event of `slot` that starts on `day`."""
    return next(title for months, title in UPCOMING[slot] if day.month in months)


def past_events(days: list[date]) -> list[tuple[str, str]]:
    """(title, category) for past events on `days`: each fits its month, none repeats."""
    chosen: list[tuple[str, str]] = []
    for day in days:
        title, category = next(
            (title, category)
            for months, title, category in PAST_IDEAS
            if day.month in months and title not in {t for t, _c in chosen}
        )
        chosen.append((title, category))
    return chosen
