"""A coordinator's home: their organisations' shifts today and this week with free places
and waitlists, unfilled shifts soon, new applications, offers waiting, new group posts;
each linked to where they act. Nothing of another organisation's, nothing of VisitAarhus's."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.groups.models import Group, GroupMember, Post
from apps.home.selectors import Days, coordinator_home
from apps.recruitment.models import Application, Posting
from apps.shifts.models import SignUp
from tenants.selectors import tenant_zone
from tests.apps.home.conftest import browser_for, local, place, published_event, shift_on

pytestmark = pytest.mark.django_db


def home_of(user, now):
    return coordinator_home(user=user, days=Days.at(now, tenant_zone()))


def titles(shifts) -> list[str]:
    return [
        f"{shift.task.event.title}/{shift.starts_at.astimezone(tenant_zone()):%a %H}"
        for shift in shifts
    ]


@pytest.fixture
def week(roklub, spejderne, wednesday: date, frida, bo, carl):
    """Roklub: shifts on Tuesday (over), Wednesday (today) and Sunday, and the next Monday;
    Spejderne: a shift today. One of Roklub's is full with two in line."""
    regatta = published_event(roklub, "Regatta", local(wednesday, 8))
    tuesday = shift_on(regatta, local(wednesday - timedelta(days=1), 10))
    early = shift_on(regatta, local(wednesday, 7))  # today, over before 'now'
    full = shift_on(regatta, local(wednesday, 14), capacity=1)
    place(full, frida)
    place(full, bo, SignUp.Status.WAITLISTED)
    place(full, carl, SignUp.Status.WAITLISTED)
    sunday = shift_on(regatta, local(wednesday + timedelta(days=4), 10), capacity=3)
    place(sunday, frida)
    monday = shift_on(regatta, local(wednesday + timedelta(days=5), 10))
    draft = published_event(roklub, "Kladde", local(wednesday, 8))
    draft.status = "draft"
    draft.save()
    shift_on(draft, local(wednesday, 12))
    cancelled = shift_on(regatta, local(wednesday, 16), is_cancelled=True)
    scouts = published_event(spejderne, "Spejderlejr", local(wednesday, 8))
    shift_on(scouts, local(wednesday, 11))
    return {
        "tuesday": tuesday,
        "early": early,
        "full": full,
        "sunday": sunday,
        "monday": monday,
        "cancelled": cancelled,
    }


def test_it_shows_a_coordinator_today_and_the_rest_of_the_week_of_their_organisations_only(
    kamilla, week, now, aarhus_festival
):
    home = home_of(kamilla, now)
    assert [org.name for org in home.organisations] == ["Nyborg Roklub"]
    assert titles(home.today) == ["Regatta/Wed 07", "Regatta/Wed 14"]
    assert titles(home.later_this_week) == ["Regatta/Sun 10"]  # Monday is next week
    assert home.week_more == 0
    full = home.today[1]
    assert (full.free_places, full.waitlist_count) == (0, 2)
    assert home.later_this_week[0].free_places == 2


def test_it_lists_unfilled_shifts_of_the_next_14_days_soonest_first(kamilla, week, now, roklub):
    far = published_event(roklub, "Langt ude", now + timedelta(days=15))
    shift_on(far, now + timedelta(days=15))
    home = home_of(kamilla, now)
    # Not the one over already, not the full one, not the cancelled, nor 15 days out.
    assert titles(home.unfilled.items) == ["Regatta/Sun 10", "Regatta/Mon 10"]
    assert home.unfilled.total == 2


def test_it_lists_new_applications_of_their_organisations_newest_first(
    kamilla, roklub, spejderne, frida, bo, carl
):
    def apply(organisation, user, status=Application.Status.RECEIVED):
        posting = Posting.objects.get_or_create(
            organisation=organisation,
            title=f"Hjælper i {organisation.name}",
            defaults={"opens_on": date(2026, 1, 1), "status": Posting.Status.PUBLISHED},
        )[0]
        return Application.objects.create(
            posting=posting,
            user=user,
            status=status,
            motivation="Gerne",
            consented_at=timezone.now(),
        )

    first = apply(roklub, frida)
    second = apply(roklub, bo)
    apply(roklub, carl, Application.Status.INTERVIEW)  # looked at already
    apply(spejderne, carl)
    home = home_of(kamilla, timezone.now())
    assert home.applications.items == [second, first]


def test_it_lists_offers_waiting_for_an_answer_first_to_expire_first(
    kamilla, week, frida, bo, carl, now
):
    later = place(
        week["sunday"], bo, SignUp.Status.OFFERED, offer_expires_at=now + timedelta(hours=10)
    )
    sooner = place(
        week["monday"], carl, SignUp.Status.OFFERED, offer_expires_at=now + timedelta(hours=2)
    )
    home = home_of(kamilla, now)
    assert home.offers.items == [sooner, later]


def test_it_counts_group_posts_by_others_since_the_coordinator_last_opened_the_group(
    kamilla, roklub, spejderne, frida, bo, nyborg
):
    crew = Group.objects.create(organisation=roklub, name="Regattaholdet")
    GroupMember.objects.create(group=crew, user=frida)
    quiet = Group.objects.create(organisation=roklub, name="Stille gruppe")
    scouts = Group.objects.create(organisation=spejderne, name="Spejdergruppen")
    archived = Group.objects.create(organisation=roklub, name="Gammel", archived_at=timezone.now())
    for group in (crew, scouts, archived):
        Post.objects.create(group=group, author=frida, body="Hej")
    Post.objects.create(group=crew, author=bo, body="Hej igen")
    Post.objects.create(group=crew, author=kamilla, body="Mit eget")  # not news to her
    Post.objects.create(group=crew, author=bo, body="Skjult", hidden_at=timezone.now())
    Post.objects.create(group=quiet, author=bo, body="For længe siden")
    Post.objects.filter(group=quiet).update(created_at=timezone.now() - timedelta(days=40))

    home = home_of(kamilla, timezone.now())
    assert [(group.name, group.new_posts) for group in home.groups.items] == [("Regattaholdet", 2)]

    # She opens the group's page; only what comes after is new.
    browser = browser_for(kamilla, nyborg)
    assert browser.get(f"/grupper/{crew.pk}/").status_code == 200
    assert not home_of(kamilla, timezone.now()).groups
    Post.objects.create(group=crew, author=frida, body="Nyt")
    assert [g.new_posts for g in home_of(kamilla, timezone.now()).groups.items] == [1]


def test_it_shows_the_coordinator_their_work_linked_to_where_they_act_and_nothing_else(
    kamilla, roklub, spejderne, frida, nyborg, aarhus_festival
):
    soon = timezone.now() + timedelta(days=2)
    regatta = published_event(roklub, "Nyborg Regatta", soon)
    open_shift = shift_on(regatta, soon, capacity=4, task="Bådebro")
    scouts = published_event(spejderne, "Spejderlejr", soon)
    shift_on(scouts, soon, task="Lejrbål")
    offered = place(open_shift, frida, SignUp.Status.OFFERED)
    posting = Posting.objects.create(
        organisation=roklub, title="Træner", opens_on=date(2026, 1, 1), status="published"
    )
    application = Application.objects.create(
        posting=posting, user=frida, motivation="Gerne", consented_at=timezone.now()
    )
    crew = Group.objects.create(organisation=roklub, name="Regattaholdet")
    Post.objects.create(group=crew, author=frida, body="Hej")

    response = browser_for(kamilla, nyborg).get("/oversigt/")
    body = response.content.decode()
    assert response.status_code == 200
    assert f'href="/planlaeg/vagter/{open_shift.pk}/"' in body  # its roster
    assert "Bådebro" in body and "3 ledige pladser" in body
    assert f'href="/rekruttering/ansoegninger/{application.pk}/"' in body
    assert f'href="/grupper/{crew.pk}/"' in body and "1 nyt opslag" in body
    assert offered.user.full_name in body
    for elsewhere in ("Spejderlejr", "Lejrbål", "Festuge", "Scenevagt"):
        assert elsewhere not in body
    # Kamilla has no shift of her own, so no volunteer section.
    assert 'id="volunteering"' not in body and 'id="site"' not in body
