import pytest

from apps.members.models import Profile, Tag
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_it_saves_skills_availability_and_workload_and_lets_the_volunteer_pause(
    frida, nyborg, nyborg_client
):
    cooking = Tag.objects.create(kind="skill", name="Madlavning")
    danish = Tag.objects.create(kind="language", name="Dansk")
    Profile.objects.create(user=frida, status=Profile.Status.ACTIVE)
    browser = signed_in(nyborg_client, frida, nyborg)
    assert "Madlavning" in browser.get("/profil/").content.decode()
    form = {
        "full_name": "Frida H.",
        "phone": "+45 11223344",
        "birth_year": "1990",
        "postcode": "5800",
        "area": "Nyborg",
        "skills": [cooking.pk],
        "languages": [danish.pk],
        "availability": ["tue-evening", "sat-morning", "nonsense"],
        "max_shifts_per_month": "4",
        "pause": "on",
    }
    response = browser.post("/profil/", form)
    assert response.status_code == 400  # "nonsense" is not a choice: nothing saved
    form["availability"] = ["sat-morning", "tue-evening"]
    assert browser.post("/profil/", form).status_code == 302
    profile = Profile.objects.get(user=frida)
    assert profile.availability == ["tue-evening", "sat-morning"]  # in week order
    assert set(profile.tags.values_list("name", flat=True)) == {"Madlavning", "Dansk"}
    assert (profile.max_shifts_per_month, profile.status, profile.user.full_name) == (
        4,
        "paused",
        "Frida H.",
    )
    del form["pause"]
    browser.post("/profil/", form)
    assert Profile.objects.get(user=frida).status == "active"


def test_it_shows_availability_in_the_visitors_language(frida, nyborg, nyborg_client):
    browser = signed_in(nyborg_client, frida, nyborg)
    assert "Tirsdag aften" in browser.get("/profil/").content.decode()
    browser.cookies["django_language"] = "en"
    assert "Tuesday evening" in browser.get("/profil/").content.decode()
