"""The pages, through the browser's door: Nanna takes Frida from posting to active; Kim
(another association) and Bo (a volunteer) find nothing; strangers are sent to register."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from apps.members.models import Membership, Profile
from apps.recruitment.models import Application, Onboarding, Posting
from apps.recruitment.services.pipeline import application_move
from tests.conftest import signed_in
from tests.personas import in_days

pytestmark = pytest.mark.django_db

S = Application.Status


@pytest.fixture
def english(nyborg_client):
    nyborg_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return nyborg_client


def as_user(client, user, nyborg):
    return signed_in(client, user, nyborg)


def body(response) -> str:
    return response.content.decode()


def coordinator_paths(application, posting):
    onboarding_id = application.onboarding.pk if hasattr(application, "onboarding") else 0
    return {
        "/rekruttering/tavle/": "get",
        "/rekruttering/tavle/opslag/nyt/": "post",
        f"/rekruttering/tavle/opslag/{posting.pk}/offentliggoer/": "post",
        f"/rekruttering/ansoegninger/{application.pk}/": "get",
        f"/rekruttering/ansoegninger/{application.pk}/flyt/": "post",
        f"/rekruttering/ansoegninger/{application.pk}/samtale/": "post",
        f"/rekruttering/onboarding/{onboarding_id}/": "get",
    }


def test_the_whole_way_through_the_pages(
    english, nanna, nyborg, roklub, rasmus, frida, in_nyborg, django_capture_on_commit_callbacks
):
    nanna_browser = as_user(english, nanna, nyborg)
    response = nanna_browser.post(
        "/rekruttering/tavle/opslag/nyt/",
        {
            "organisation": roklub.pk,
            "title": "Rowing coach",
            "description": "Teach beginners.",
            "hours_per_month": "8",
            "place": "Bådhuset",
            "contact_person": rasmus.pk,
            "opens_on": timezone.localdate().isoformat(),
            "needs_child_check": "on",
        },
    )
    posting = Posting.objects.get(title="Rowing coach")
    assert response.status_code == 302 and posting.status == Posting.Status.DRAFT
    nanna_browser.post(f"/rekruttering/tavle/opslag/{posting.pk}/offentliggoer/")
    posting.refresh_from_db()
    assert posting.status == Posting.Status.PUBLISHED

    # Frida finds it in the list and applies.
    from django.test import Client

    frida_browser = as_user(Client(HTTP_HOST="nyborg.localhost"), frida, nyborg)
    frida_browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Rowing coach" in body(frida_browser.get("/rekruttering/"))
    assert "Apply" in body(frida_browser.get(f"/rekruttering/opslag/{posting.pk}/"))
    response = frida_browser.post(
        f"/rekruttering/opslag/{posting.pk}/ansoeg/",
        {"motivation": "I rowed for years.", "availability": ["tue-evening"], "consent": "on"},
    )
    assert response.status_code == 302
    application = Application.objects.get(posting=posting, user=frida)

    # Nanna moves it along from the application page, books the interview, ends at active.
    page = body(nanna_browser.get(f"/rekruttering/ansoegninger/{application.pk}/"))
    assert "I rowed for years." in page and "Tuesday evening" in page and "To “Screening”" in page
    move = f"/rekruttering/ansoegninger/{application.pk}/flyt/"
    nanna_browser.post(move, {"to": "screening", "note": "Looks good"})
    start = in_days(2, 17)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = nanna_browser.post(
            f"/rekruttering/ansoegninger/{application.pk}/samtale/",
            {
                "starts_at": timezone.localtime(start).strftime("%Y-%m-%dT%H:%M"),
                "ends_at": timezone.localtime(start + timedelta(hours=1)).strftime(
                    "%Y-%m-%dT%H:%M"
                ),
                "place": "Bådhuset",
            },
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["frida@example.dk"]]
    for stage in ("agreement", "trial", "active"):
        nanna_browser.post(move, {"to": stage})
    application.refresh_from_db()
    assert application.status == S.ACTIVE
    assert Membership.objects.filter(user=frida, organisation=roklub).exists()
    assert Profile.objects.get(user=frida).status == Profile.Status.ACTIVE
    page = body(nanna_browser.get(f"/rekruttering/ansoegninger/{application.pk}/"))
    assert "Looks good" in page and page.count("Nanna Nyborg") >= 5
    # A refused move says why.
    response = nanna_browser.post(move, {"to": "screening"}, follow=True)
    assert "cannot move from “Active volunteer” to “Screening”" in body(response)

    # The checklist: Frida accepts the agreement herself; Nanna records the check.
    onboarding = Onboarding.objects.get(application=application)
    frida_page = body(frida_browser.get(f"/rekruttering/onboarding/{onboarding.pk}/"))
    assert "Collaboration agreement" in frida_page and "Save the check" not in frida_page
    frida_browser.post(f"/rekruttering/onboarding/{onboarding.pk}/", {"action": "agreement"})
    response = frida_browser.post(
        f"/rekruttering/onboarding/{onboarding.pk}/",
        {"action": "check", "kind": "child", "status": "ok"},
    )
    assert response.status_code == 404
    nanna_browser.post(
        f"/rekruttering/onboarding/{onboarding.pk}/",
        {"action": "check", "kind": "child", "status": "ok"},
    )
    nanna_browser.post(
        f"/rekruttering/onboarding/{onboarding.pk}/",
        {"action": "meeting", "held_on": timezone.localdate().isoformat(), "note": "Fine start"},
    )
    page = body(nanna_browser.get(f"/rekruttering/onboarding/{onboarding.pk}/"))
    assert "Fine start" in page and "checked" in page
    onboarding.refresh_from_db()
    assert onboarding.agreement_accepted_on == timezone.localdate()


def test_the_board_lists_per_status(english, nanna, nyborg, application, rasmus):
    application_move(actor=rasmus, application=application, to=S.SCREENING)
    page = body(as_user(english, nanna, nyborg).get("/rekruttering/tavle/"))
    assert 'id="stage-screening"' in page and "Frida Hansen" in page
    assert "Screening (1)" in page and "Received (0)" in page


def test_kim_and_bo_find_nothing(english, nyborg, kim, bo, application, posting, rasmus):
    application_move(actor=rasmus, application=application, to=S.SCREENING)
    application_move(actor=rasmus, application=application, to=S.INTERVIEW)
    application_move(actor=rasmus, application=application, to=S.AGREEMENT)
    application.refresh_from_db()
    paths = coordinator_paths(application, posting)
    for stranger in (kim, bo):
        browser = as_user(english, stranger, nyborg)
        for path, method in paths.items():
            response = getattr(browser, method)(path, {"to": "interview"})
            if stranger is kim and path == "/rekruttering/tavle/":
                assert response.status_code == 200 and "Frida" not in body(response), path
                continue
            if stranger is kim and path == "/rekruttering/tavle/opslag/nyt/":
                assert response.status_code == 400, path  # his own organisation, bad form
                continue
            assert response.status_code == 404, (stranger, path)
    application.refresh_from_db()
    assert application.status == S.AGREEMENT and application.events.count() == 4


def test_kim_cannot_see_another_associations_posting_on_his_board(english, nyborg, kim, posting):
    browser = as_user(english, kim, nyborg)
    assert browser.get(f"/rekruttering/tavle/?opslag={posting.pk}").status_code == 404


def test_strangers_are_sent_to_register_first(english, posting):
    response = english.get(f"/rekruttering/opslag/{posting.pk}/ansoeg/")
    assert response.status_code == 302 and response["Location"].startswith("/konto/tilmeld/")
    assert english.get("/rekruttering/tavle/").status_code == 302  # to sign in


def test_drafts_are_not_public(english, roklub, nanna, in_nyborg):
    from apps.recruitment.services.postings import posting_create

    draft = posting_create(actor=nanna, organisation=roklub, title="Secret role")
    assert english.get(f"/rekruttering/opslag/{draft.pk}/").status_code == 404
    assert "Secret role" not in body(english.get("/rekruttering/"))
    assert english.get(f"/rekruttering/opslag/{draft.pk}/ansoeg/").status_code == 404


def test_the_application_form_explains_missing_consent(english, frida, nyborg, posting):
    browser = as_user(english, frida, nyborg)
    response = browser.post(f"/rekruttering/opslag/{posting.pk}/ansoeg/", {"motivation": "Hi"})
    assert response.status_code == 400 and "This field is required" in body(response)
    assert not Application.objects.filter(user=frida).exists()


def test_the_board_fits_a_phone(english, nanna, nyborg, application):
    page = body(as_user(english, nanna, nyborg).get("/rekruttering/tavle/"))
    assert 'name="viewport"' in page and "recruitment/recruitment.css" in page


def test_the_system_owner_sets_the_policy_and_the_agreement(english, nanna, nyborg, kim, in_nyborg):
    from apps.recruitment.models import AgreementTemplate, RecruitmentSettings

    browser = as_user(english, nanna, nyborg)
    assert "{{name}}" in body(browser.get("/rekruttering/indstillinger/"))
    response = browser.post(
        "/rekruttering/indstillinger/",
        {"check_renewal_months": "30", "trial_months": "3", "agreement_text": "Hi {{name}}"},
    )
    assert response.status_code == 400
    browser.post(
        "/rekruttering/indstillinger/",
        {"check_renewal_months": "18", "trial_months": "2", "agreement_text": "Hi {{name}}"},
    )
    assert RecruitmentSettings.load().check_renewal_months == 18
    assert AgreementTemplate.objects.get(organisation=None).text == "Hi {{name}}"
    kim_browser = as_user(english, kim, nyborg)
    assert kim_browser.get("/rekruttering/indstillinger/").status_code == 404


def test_the_volunteer_sees_and_withdraws_her_application(
    english, frida, bo, nyborg, application, rasmus
):
    browser = as_user(english, frida, nyborg)
    page = body(browser.get("/rekruttering/mine/"))
    assert "Rowing coach" in page and "Received" in page
    bo_browser = as_user(english.__class__(HTTP_HOST="nyborg.localhost"), bo, nyborg)
    response = bo_browser.post(f"/rekruttering/mine/{application.pk}/traek-tilbage/")
    assert response.status_code == 404
    browser.post(f"/rekruttering/mine/{application.pk}/traek-tilbage/")
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    assert application.events.last().actor == frida


def test_every_page_renders_in_the_tenants_language(
    nyborg_client, nanna, frida, nyborg, application, rasmus, posting
):
    for stage in (S.SCREENING, S.INTERVIEW, S.AGREEMENT):
        application_move(actor=rasmus, application=application, to=stage)
    onboarding = Onboarding.objects.get(application=application)
    nanna_browser = as_user(nyborg_client, nanna, nyborg)
    for path in (
        "/rekruttering/",
        f"/rekruttering/opslag/{posting.pk}/",
        "/rekruttering/tavle/",
        f"/rekruttering/tavle/?opslag={posting.pk}",
        "/rekruttering/tavle/opslag/nyt/",
        f"/rekruttering/ansoegninger/{application.pk}/",
        f"/rekruttering/onboarding/{onboarding.pk}/",
        "/rekruttering/indstillinger/",
    ):
        assert nanna_browser.get(path).status_code == 200, path
    from django.test import Client

    frida_browser = as_user(Client(HTTP_HOST="nyborg.localhost"), frida, nyborg)
    for path in (
        "/rekruttering/mine/",
        f"/rekruttering/onboarding/{onboarding.pk}/",
        f"/rekruttering/opslag/{posting.pk}/ansoeg/",
    ):
        assert frida_browser.get(path).status_code == 200, path
