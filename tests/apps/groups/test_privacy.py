"""Who sees a group: its members and its organisation's coordinators; to everyone else,
in the same organisation, in another one or in another tenant, it does not exist."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.groups.models import Group, GroupMember, Post
from apps.groups.services import group_save
from apps.organisations.models import Organisation
from apps.shifts.models import Shift, SignUp
from tests.apps.groups.conftest import PDF, browser_for, pdf
from tests.conftest import signed_in
from tests.personas import place

pytestmark = pytest.mark.django_db


def paths(group: Group, post: Post) -> list[str]:
    return [
        f"/grupper/{group.pk}/",
        f"/grupper/{group.pk}/opslag/{post.pk}/",
        f"/grupper/fil/{post.attachments.get().pk}/",
    ]


def test_it_shows_a_member_their_group_its_posts_and_files(crew, bo_post, frida, nyborg):
    browser = browser_for(frida, nyborg)
    assert "Regattaholdet" in browser.get("/grupper/").content.decode()
    page = browser.get(f"/grupper/{crew.pk}/").content.decode()
    assert "<strong>vanter</strong>" in page and "Bo Hansen" in page and "plan.pdf" in page
    thread = browser.get(f"/grupper/{crew.pk}/opslag/{bo_post.pk}/")
    assert thread.status_code == 200 and "vanter" in thread.content.decode()
    download = browser.get(f"/grupper/fil/{bo_post.attachments.get().pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"


def test_it_hides_everything_from_a_member_of_the_organisation_outside_the_group(
    crew, bo_post, carl, nyborg, media
):
    browser = browser_for(carl, nyborg)
    assert "Regattaholdet" not in browser.get("/grupper/").content.decode()
    for path in paths(crew, bo_post):
        assert browser.get(path).status_code == 404, path
    assert browser.post(f"/grupper/{crew.pk}/", {"body": "Må jeg være med?"}).status_code == 404
    reply = f"/grupper/{crew.pk}/opslag/{bo_post.pk}/svar/"
    assert browser.post(reply, {"body": "Hej"}).status_code == 404
    assert browser.post(f"/grupper/{crew.pk}/mails/", {"notify": "none"}).status_code == 404
    assert Post.objects.count() == 1 and not GroupMember.objects.filter(user=carl).exists()


def test_a_coordinator_of_another_organisation_can_neither_see_nor_post_nor_hide(
    crew, bo_post, kim, frida, nyborg, media
):
    browser = browser_for(kim, nyborg)
    assert "Regattaholdet" not in browser.get("/grupper/").content.decode()
    for path in [*paths(crew, bo_post), f"/grupper/{crew.pk}/administrer/"]:
        assert browser.get(path).status_code == 404, path
    attempts = {
        f"/grupper/{crew.pk}/": {"body": "Hej fra spejderne"},
        f"/grupper/{crew.pk}/opslag/{bo_post.pk}/skjul/": {"reason": "nej"},
        f"/grupper/{crew.pk}/medlemmer/": {"email": "kim@example.dk"},
        f"/grupper/{crew.pk}/medlemmer/{frida.pk}/fjern/": {},
        f"/grupper/{crew.pk}/arkiver/": {"action": "archive"},
        f"/grupper/{crew.pk}/administrer/": {"name": "Overtaget", "rule": "none"},
    }
    for path, data in attempts.items():
        assert browser.post(path, data).status_code == 404, path
    bo_post.refresh_from_db()
    crew.refresh_from_db()
    assert Post.objects.count() == 1 and not bo_post.is_hidden
    assert crew.name == "Regattaholdet" and not crew.is_archived
    assert GroupMember.objects.filter(group=crew, chosen=True).count() == 2


def test_a_persona_of_another_tenant_sees_nothing(
    crew, bo_post, anders, aarhus, aarhus_client, frida, nyborg
):
    nyborg_paths = paths(crew, bo_post)  # read in Nyborg's schema before Aarhus's requests
    browser = signed_in(aarhus_client, anders, aarhus)
    listing = browser.get("/grupper/").content.decode()
    assert "Regattaholdet" not in listing and "Roklub" not in listing
    for path in nyborg_paths:
        assert browser.get(path).status_code == 404, path
    assert browser.post(f"/grupper/{crew.pk}/", {"body": "Hej"}).status_code == 404
    # and Frida's Nyborg session means nothing on Aarhus's site
    stranger = signed_in(aarhus_client, frida, nyborg)
    assert stranger.get(f"/grupper/{crew.pk}/").status_code == 302


def test_it_hides_a_post_from_members_and_shows_it_marked_to_coordinators(
    crew, bo_post, nanna, frida, nyborg
):
    coordinator = browser_for(nanna, nyborg)
    hide = f"/grupper/{crew.pk}/opslag/{bo_post.pk}/skjul/"
    assert coordinator.post(hide, {"reason": "Forkert gruppe"}).status_code == 302
    page = coordinator.get(f"/grupper/{crew.pk}/").content.decode()
    assert "vanter" in page and "Skjult" in page and "Forkert gruppe" in page

    member = browser_for(frida, nyborg)
    assert "vanter" not in member.get(f"/grupper/{crew.pk}/").content.decode()
    for path in paths(crew, bo_post)[1:]:
        assert member.get(path).status_code == 404, path
    reply = f"/grupper/{crew.pk}/opslag/{bo_post.pk}/svar/"
    assert member.post(reply, {"body": "Hvad skete der?"}).status_code == 404

    coordinator.post(hide, {"action": "show"})
    assert "vanter" in member.get(f"/grupper/{crew.pk}/").content.decode()


def test_replies_go_one_level_deep_under_their_post(crew, bo_post, frida, bo, nyborg):
    reply_path = f"/grupper/{crew.pk}/opslag/{bo_post.pk}/svar/"
    response = browser_for(frida, nyborg).post(reply_path, {"body": "Jeg tager *ekstra* med"})
    reply = Post.objects.get(parent=bo_post)
    assert response.status_code == 302 and response.url.endswith(f"#post-{reply.pk}")
    again = f"/grupper/{crew.pk}/opslag/{reply.pk}/svar/"
    browser_for(bo, nyborg).post(again, {"body": "Tak!"})
    assert Post.objects.get(body="Tak!").parent == bo_post  # the same thread, not deeper
    page = browser_for(frida, nyborg).get(f"/grupper/{crew.pk}/").content.decode()
    thread = page.split(f'id="post-{bo_post.pk}"', 1)[1]
    assert thread.index("<em>ekstra</em>") < thread.index("Tak!")


def test_it_refuses_a_file_past_the_limits_in_danish_and_keeps_the_text(
    crew, frida, nyborg, media, settings
):
    browser = browser_for(frida, nyborg)
    program = SimpleUploadedFile("virus.exe", b"MZ\x90\x00", "application/octet-stream")
    response = browser.post(
        f"/grupper/{crew.pk}/", {"body": "Se programmet for dagen", "attachments": [program]}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "virus.exe: den type fil kan ikke vedhæftes" in page
    assert "Se programmet for dagen</textarea>" in page
    settings.MESSAGE_ATTACHMENT_MAX_BYTES = 10
    response = browser.post(f"/grupper/{crew.pk}/", {"body": "Stor fil", "attachments": [pdf()]})
    # "højst" alone is on every page with the form (its help text): the whole sentence.
    assert response.status_code == 200
    assert "plan.pdf fylder 28\xa0bytes; hver fil må højst fylde 10\xa0bytes." in (
        response.content.decode()
    )
    assert not Post.objects.exists()


def test_a_rule_group_follows_the_events_sign_ups_live(
    nanna, roklub, regatta, morning, frida, carl, nyborg
):
    group = group_save(
        actor=nanna, organisation=roklub, name="Alle på regattaen", rule="event", event=regatta
    )
    Shift.objects.filter(pk=morning.pk).update(capacity=1)  # Frida fills it; Carl waits
    frida_place = place(morning, frida)
    carl_place = place(morning, carl, SignUp.Status.WAITLISTED)
    path = f"/grupper/{group.pk}/"
    assert browser_for(frida, nyborg).get(path).status_code == 200
    assert browser_for(carl, nyborg).get(path).status_code == 404  # waiting is not a place
    carl_place.status = SignUp.Status.CONFIRMED
    carl_place.save()
    frida_place.status = SignUp.Status.CANCELLED
    frida_place.save()
    assert "Alle på regattaen" in browser_for(carl, nyborg).get("/grupper/").content.decode()
    assert browser_for(carl, nyborg).get(path).status_code == 200
    assert browser_for(frida, nyborg).get(path).status_code == 404


def test_a_coordinator_makes_a_group_adds_and_removes_members_and_archives_it(
    roklub, nanna, frida, carl, nyborg
):
    from datetime import date

    from apps.members.models import Membership

    Membership.objects.create(user=carl, organisation=roklub, started_on=date(2024, 1, 1))
    browser = browser_for(nanna, nyborg)
    response = browser.post(
        f"/grupper/ny/{roklub.pk}/", {"name": "Bestyrelsen", "description": "", "rule": "none"}
    )
    group = Group.objects.get(name="Bestyrelsen")
    assert response.status_code == 302 and response.url == f"/grupper/{group.pk}/administrer/"
    browser.post(f"/grupper/{group.pk}/medlemmer/", {"email": "FRIDA@example.dk"})
    browser.post(f"/grupper/{group.pk}/medlemmer/", {"user": carl.pk})
    unknown = browser.post(f"/grupper/{group.pk}/medlemmer/", {"email": "ukendt@example.dk"})
    assert "Der er ingen med den e-mailadresse" in unknown.content.decode()
    members = set(
        GroupMember.objects.filter(group=group, chosen=True).values_list("user", flat=True)
    )
    assert members == {frida.pk, carl.pk}
    browser.post(f"/grupper/{group.pk}/medlemmer/{carl.pk}/fjern/")
    assert browser_for(carl, nyborg).get(f"/grupper/{group.pk}/").status_code == 404

    browser.post(f"/grupper/{group.pk}/arkiver/", {"action": "archive"})
    member = browser_for(frida, nyborg)
    assert "Bestyrelsen" not in member.get("/grupper/").content.decode()
    refused = member.post(f"/grupper/{group.pk}/", {"body": "Hallo?"})
    assert "arkiveret" in refused.content.decode() and not Post.objects.exists()


def test_an_event_rule_needs_an_event_of_the_same_organisation(roklub, kim, nanna, nyborg):
    from apps.shifts.models import Event
    from tests.personas import in_days

    other = Organisation.objects.get(name="Nyborg Spejderne")
    camp = Event.objects.create(
        organisation=other, title="Lejr", starts_at=in_days(5), ends_at=in_days(6)
    )
    browser = browser_for(nanna, nyborg)
    response = browser.post(
        f"/grupper/ny/{roklub.pk}/", {"name": "Lejrholdet", "rule": "event", "event": camp.pk}
    )
    assert response.status_code == 200 and not Group.objects.exists()


def test_a_reply_sent_with_htmx_comes_back_as_its_thread_alone(crew, bo_post, frida, nyborg):
    browser = browser_for(frida, nyborg)
    path = f"/grupper/{crew.pk}/opslag/{bo_post.pk}/svar/"
    response = browser.post(path, {"body": "Fint, tak"}, HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    assert response.status_code == 200 and "<html" not in fragment
    assert f'id="thread-{bo_post.pk}"' in fragment and "Fint, tak" in fragment
    program = SimpleUploadedFile("virus.exe", b"MZ", "application/octet-stream")
    refused = browser.post(
        path, {"body": "Se filen", "attachments": [program]}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "den type fil kan ikke vedhæftes" in refused and "Se filen</textarea>" in refused
    assert Post.objects.filter(parent=bo_post).count() == 1
