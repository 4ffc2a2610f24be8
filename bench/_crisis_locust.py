"""The locustfile bench/crisis.py runs (`locust -f bench/_crisis_locust.py --headless ...`).

Not a Django module: it runs in locust's own (gevent) process and speaks only HTTP.
Told what to do by the environment bench/crisis.py sets:

CRISIS_BENCH_COUNT    registrations to make, in all (shared by every user; then it quits)
CRISIS_BENCH_HOST     the tenant's domain, sent as the Host header (the tenant is chosen by it)
CRISIS_BENCH_PAGES    other pages to sample during the load, comma-separated paths
CRISIS_BENCH_SUMMARY  where to write what was sent and answered (JSON), at the end
CRISIS_BENCH_STATS    where to write locust's request stats (its CSV format), at the end
CRISIS_BENCH_SEED     the people are drawn from it (the same seed: the same 5,000 people)
CRISIS_BENCH_THINK    seconds, at most, between loading the form and sending it (0: none)
CRISIS_BENCH_RATE     registrations a second, all users together (0: as fast as answered)
CRISIS_BENCH_USERS    how many Registrant users locust runs (to share the rate out)

Each registration is one person on a phone: GET /krise/ (the form, its CSRF cookie and
token), POST /krise/ with the form's fields (redirects not followed: the answer must be a
303 to /krise/tak/, anything else is an error), then GET /krise/tak/ as the browser would,
counted as a request of its own. A fresh cookie jar per person; each person's address is
their own, in X-Forwarded-For as the ingress adds it (the app trusts one proxy here, as in
production), so per-address limits see 5,000 phones, not one load generator.
"""

import csv
import json
import os
import random
import re
import time
from collections import Counter
from typing import Any
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, constant, constant_throughput, events, task
from locust.exception import StopUser
from locust.stats import PERCENTILES_TO_REPORT, StatsCSV

COUNT = int(os.environ.get("CRISIS_BENCH_COUNT", "20"))
HOST = os.environ.get("CRISIS_BENCH_HOST", "bench.localhost")
PAGES = [p for p in os.environ.get("CRISIS_BENCH_PAGES", "/").split(",") if p]
SUMMARY = os.environ.get("CRISIS_BENCH_SUMMARY", "")
STATS = os.environ.get("CRISIS_BENCH_STATS", "")
SEED = int(os.environ.get("CRISIS_BENCH_SEED", "18"))
THINK = float(os.environ.get("CRISIS_BENCH_THINK", "0"))
RATE = float(os.environ.get("CRISIS_BENCH_RATE", "0"))
USERS = int(os.environ.get("CRISIS_BENCH_USERS", "1"))
DUPLICATE_SHARE = 0.05


def words(text: str) -> list[str]:
    return text.split()


SKILLS = ["practical", "driving", "first_aid", "care", "children", "cooking", "languages", "admin"]
AVAILABILITY = ["now", "weekday_day", "weekday_evening", "weekend"]
FIRST = words(
    "Anne Mette Kirsten Hanne Susanne Lene Maria Marianne Inge Karen Camilla Louise Sofie "
    "Emma Ida Freja Clara Laura Mathilde Aase Birthe Jørgen Søren Niels Jens Peter Lars "
    "Michael Henrik Thomas Rasmus Mads Frederik Oliver William Magnus Emil Asger Bjørn "
    "Ørvar Ahmad Fatima Yusuf Aylin Olena Dmytro Kateryna"
)
LAST = words(
    "Jensen Nielsen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen "
    "Jørgensen Petersen Madsen Kristensen Olsen Thomsen Christiansen Poulsen Johansen "
    "Møller Mortensen Knudsen Mikkelsen Frandsen Østergaard Bækgaard Holm Dam Ali Yilmaz "
    "Kovalenko Shevchenko"
)


def people(count: int, seed: int) -> list[dict[str, Any]]:
    """The registrations to send, in order: distinct people with Danish 8-digit mobile
    numbers (written the ways people write them), about half with an email, a few with an
    email only, and ~5 % a second registration by someone already in the list (the same
    number, written differently: the merge path)."""
    rng = random.Random(seed)
    numbers = rng.sample(range(20_000_000, 61_999_999), count)
    made: list[dict[str, Any]] = []
    for n in range(count):
        earlier_ones = [p for p in made[-500:] if p["number"] and not p["duplicate"]]
        if earlier_ones and rng.random() < DUPLICATE_SHARE:
            earlier = rng.choice(earlier_ones)
            made.append({**earlier, "phone": _written(earlier["number"], rng), "duplicate": True})
            made[-1]["ip"] = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
            continue
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = f"{first} {last}"
        ascii_name = name.lower().replace(" ", ".").translate(str.maketrans("æøå", "eoa"))
        email_only = rng.random() < 0.05
        email = f"{ascii_name}{n}@eksempel.dk" if email_only or rng.random() < 0.5 else ""
        number = "" if email_only else str(numbers[n])
        made.append(
            {
                "name": name,
                "number": number,
                "phone": _written(number, rng) if number else "",
                "email": email,
                "postcode": str(rng.randint(5000, 5999)),
                "skills": rng.sample(SKILLS, rng.randint(1, 3)),
                "availability": rng.sample(AVAILABILITY, rng.randint(1, 2)),
                "ip": f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",
                "duplicate": False,
            }
        )
    return made


def _written(number: str, rng: random.Random) -> str:
    style = rng.random()
    if style < 0.6:
        return number
    if style < 0.8:
        return " ".join(number[i : i + 2] for i in range(0, 8, 2))
    return f"+45 {number}"


PEOPLE = people(COUNT, SEED)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
state: dict[str, Any] = {
    "next": 0,
    "finished": 0,
    "ok": 0,
    "ok_keys": set(),
    "ok_duplicates": 0,
    "errors": Counter(),
    "first_started": None,
    "last_finished": None,
}


def _headers(ip: str) -> dict[str, str]:
    return {
        "Host": HOST,
        "X-Forwarded-For": ip,
        "Accept-Language": "da",
        "User-Agent": "Mozilla/5.0 (Linux; Android 10; K) crisis-bench",
    }


class Registrant(FastHttpUser):
    """People registering one after another: as fast as the server lets them, or each user
    at its share of CRISIS_BENCH_RATE."""

    wait_time = constant_throughput(RATE / USERS) if RATE else constant(0)
    weight = 1

    @task
    def register(self) -> None:
        if state["next"] >= COUNT:
            raise StopUser
        person = PEOPLE[state["next"]]
        state["next"] += 1
        if state["first_started"] is None:
            state["first_started"] = time.time()
        try:
            outcome = self._register(person)
        except Exception as error:  # a broken connection is an error, not a crash of the run
            outcome = f"exception {type(error).__name__}"
        if outcome == "ok":
            state["ok"] += 1
            state["ok_keys"].add(person["number"] or person["email"])
            state["ok_duplicates"] += person["duplicate"]
        else:
            state["errors"][outcome] += 1
        state["finished"] += 1
        if state["finished"] == COUNT:
            state["last_finished"] = time.time()
            write_summary()
            gevent.spawn(self.environment.runner.quit)

    def _register(self, person: dict[str, Any]) -> str:
        self.client.cookiejar.clear()  # a new phone
        headers = _headers(person["ip"])
        with self.client.get(
            "/krise/", headers=headers, name="GET /krise/ (form)", catch_response=True
        ) as response:
            found = TOKEN.search(response.text or "") if response.status_code == 200 else None
            if not found:
                response.failure(f"form: {response.status_code}, no CSRF token")
                return f"form {response.status_code}"
            response.success()
        if THINK:
            gevent.sleep(random.uniform(0, THINK))
        fields = [
            ("csrfmiddlewaretoken", found.group(1)),
            ("name", person["name"]),
            ("phone", person["phone"]),
            ("email", person["email"]),
            ("postcode", person["postcode"]),
            *(("skills", skill) for skill in person["skills"]),
            *(("availability", when) for when in person["availability"]),
            ("consent", "on"),
        ]
        post_headers = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
        with self.client.post(
            "/krise/",
            data=urlencode(fields),
            headers=post_headers,
            allow_redirects=False,
            name="POST /krise/ (register)",
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code != 303 or not location.endswith("/krise/tak/"):
                response.failure(f"register: {response.status_code} {location}".strip())
                return f"register {response.status_code}"
            response.success()
        self.client.get("/krise/tak/", headers=headers, name="GET /krise/tak/ (thanks)")
        return "ok"


class Visitor(FastHttpUser):
    """Someone using the rest of the site meanwhile: one page a second, in turn."""

    wait_time = constant(1)
    fixed_count = 1

    def on_start(self) -> None:
        self.turn = 0

    @task
    def browse(self) -> None:
        path = PAGES[self.turn % len(PAGES)]
        self.turn += 1
        self.client.get(path, headers=_headers("192.0.2.1"), name=f"other: {path}")


def write_summary() -> None:
    if not SUMMARY:
        return
    started, finished = state["first_started"], state["last_finished"]
    with open(SUMMARY, "w", encoding="utf-8") as out:
        json.dump(
            {
                "count": COUNT,
                "ok": state["ok"],
                "ok_distinct": len(state["ok_keys"]),
                "ok_duplicates": state["ok_duplicates"],
                "sent_duplicates": sum(p["duplicate"] for p in PEOPLE),
                "errors": dict(state["errors"]),
                "wall_seconds": (finished - started) if started and finished else None,
            },
            out,
        )


_environment: list[Any] = []


@events.init.add_listener
def keep_environment(environment: Any, **kwargs: Any) -> None:
    _environment.append(environment)


@events.quit.add_listener
def write_final_stats(**kwargs: Any) -> None:
    """Locust's own stats CSV, final: `--csv` rewrites its files once a second while the run
    goes and not at the end, so a short run's last second (or all of it) would be missing."""
    if not STATS or not _environment:
        return
    environment = _environment[0]
    with open(STATS, "w", newline="", encoding="utf-8") as out:
        StatsCSV(environment, PERCENTILES_TO_REPORT).requests_csv(csv.writer(out))
    with open(STATS.replace(".csv", "_failures.csv"), "w", newline="", encoding="utf-8") as out:
        StatsCSV(environment, PERCENTILES_TO_REPORT).failures_csv(csv.writer(out))
