"""Frida asks Nanna (who coordinates the rowing club) for a reference; Nanna writes it; Frida
chooses whether it goes into a record, and only then does an employer see it. Bo, Kim (who
coordinates the scouts) and Anders (VisitAarhus) can neither write nor read it."""

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.credentials.models import IssuedRecord, Reference
from apps.credentials.references import ReferenceRefused, reference_ask, reference_write
from apps.credentials.services import record_issue, record_verify
from apps.messaging.models import Delivery
from apps.organisations.models import OrganisationRole
from apps.organisations.permissions import NotCoordinator
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

TEXT = "Frida passed the kiosk with calm and good humour.\nShe is welcome back."


def _ask_url() -> str:
    return reverse("credential-reference-ask")


def test_it_takes_a_reference_from_request_to_a_chosen_part_of_a_record(
    frida, nanna_coordinates, roklub, nyborg, nyborg_client, fridas_history
):
    nanna = nanna_coordinates
    volunteer = signed_in(nyborg_client, frida, nyborg)
    mine = volunteer.get(reverse("credential-mine")).content.decode()
    assert f'value="{roklub.pk}:{nanna.pk}"' in mine
    asked = volunteer.post(
        _ask_url(), {"coordinator": f"{roklub.pk}:{nanna.pk}", "note": "For my CV"}
    )
    assert asked.status_code == 302
    reference = Reference.objects.get(volunteer=frida)
    assert (reference.coordinator, reference.organisation, reference.note) == (
        nanna,
        roklub,
        "For my CV",
    )
    assert Delivery.objects.filter(user=nanna, message__kind="credential_reference_asked").exists()

    coordinator = signed_in(nyborg_client.__class__(HTTP_HOST="nyborg.localhost"), nanna, nyborg)
    url = reverse("credential-reference-write", args=[reference.pk])
    assert f'href="{url}"' in coordinator.get(reverse("credential-mine")).content.decode()
    page = coordinator.get(url)
    assert page.status_code == 200 and "For my CV" in page.content.decode()
    written = coordinator.post(
        url, {"text": TEXT, "author_name": "Nanna Holm", "author_role": "Koordinator"}
    )
    assert written.status_code == 302
    reference.refresh_from_db()
    assert reference.written_at is not None and reference.text == TEXT
    assert Delivery.objects.filter(
        user=frida, message__kind="credential_reference_written"
    ).exists()

    mine = volunteer.get(reverse("credential-mine")).content.decode()
    assert f'value="reference:{reference.pk}"' in mine and "calm and good humour" in mine
    assert url not in coordinator.get(reverse("credential-mine")).content.decode()  # written
    volunteer.post(reverse("credential-mine"), {"parts": [fridas_history["hours"]]})
    volunteer.post(
        reverse("credential-mine"),
        {"parts": [fridas_history["hours"], f"reference:{reference.pk}"]},
    )
    without, with_reference = IssuedRecord.objects.order_by("issued_at", "content_hash")
    if "references" in without.credential["credentialSubject"]:
        without, with_reference = with_reference, without
    public = nyborg_client.__class__(HTTP_HOST="nyborg.localhost")
    left_out = public.get(reverse("credential-public", args=[without.pk])).content.decode()
    put_in = public.get(reverse("credential-public", args=[with_reference.pk])).content.decode()
    assert "calm and good humour" not in left_out and "Nanna Holm" not in left_out
    assert "calm and good humour" in put_in and "Nanna Holm, Koordinator" in put_in
    assert with_reference.credential["credentialSubject"]["references"] == [
        {
            "organisation": "Nyborg Roklub",
            "author": "Nanna Holm",
            "role": "Koordinator",
            "text": TEXT,
            "written": reference.written_at.date().isoformat(),
        }
    ]
    assert record_verify(document=with_reference.credential).genuine
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"credential.reference_asked", "credential.reference_written"} <= actions


def test_it_asks_once_for_a_double_click(frida, nanna_coordinates, roklub, fridas_history):
    first = reference_ask(volunteer=frida, organisation=roklub, coordinator=nanna_coordinates)
    again = reference_ask(volunteer=frida, organisation=roklub, coordinator=nanna_coordinates)
    assert first.pk == again.pk and Reference.objects.count() == 1
    assert Delivery.objects.filter(message__kind="credential_reference_asked").count() == 1


def test_it_refuses_to_ask_anyone_but_a_coordinator_where_frida_volunteered(
    frida, bo, kim, nanna_coordinates, roklub, nyborg, nyborg_client, fridas_history
):
    scouts = OrganisationRole.objects.get(user=kim).organisation
    browser = signed_in(nyborg_client, frida, nyborg)
    for choice in (f"{roklub.pk}:{bo.pk}", f"{scouts.pk}:{kim.pk}", "x"):
        assert browser.post(_ask_url(), {"coordinator": choice}).status_code == 400
    with pytest.raises(ReferenceRefused):
        reference_ask(volunteer=frida, organisation=scouts, coordinator=kim)
    assert not Reference.objects.exists()


def test_it_offers_no_one_to_ask_before_frida_has_volunteered(
    frida, nanna_coordinates, roklub, nyborg, nyborg_client
):
    page = signed_in(nyborg_client, frida, nyborg).get(reverse("credential-mine"))
    assert 'id="reference-ask"' not in page.content.decode()
    with pytest.raises(ReferenceRefused):
        reference_ask(volunteer=frida, organisation=roklub, coordinator=nanna_coordinates)


def test_it_lets_only_the_coordinator_asked_write_it(
    frida, bo, kim, nanna_coordinates, roklub, nyborg, nyborg_client, fridas_history
):
    reference = reference_ask(volunteer=frida, organisation=roklub, coordinator=nanna_coordinates)
    url = reverse("credential-reference-write", args=[reference.pk])
    data = {"text": "Forged", "author_name": "Bo", "author_role": "Boss"}
    for person in (frida, bo, kim):
        browser = signed_in(nyborg_client.__class__(HTTP_HOST="nyborg.localhost"), person, nyborg)
        assert browser.get(url).status_code == 404
        assert browser.post(url, data).status_code == 404
    with pytest.raises(Reference.DoesNotExist):
        reference_write(coordinator=kim, reference_id=reference.pk, **data)
    reference.refresh_from_db()
    assert reference.written_at is None and reference.text == ""


def test_it_refuses_a_coordinator_who_has_left_the_club(
    frida, carl, roklub, nyborg, nyborg_client, fridas_history
):
    role = OrganisationRole.objects.create(
        organisation=roklub, user=carl, role=OrganisationRole.Role.COORDINATOR
    )
    reference = reference_ask(volunteer=frida, organisation=roklub, coordinator=carl)
    role.delete()
    with pytest.raises(NotCoordinator):
        reference_write(
            coordinator=carl, reference_id=reference.pk, text=TEXT, author_name="C", author_role="K"
        )
    url = reverse("credential-reference-write", args=[reference.pk])
    browser = signed_in(nyborg_client, carl, nyborg)
    data = {"text": TEXT, "author_name": "Carl", "author_role": "K"}
    assert browser.post(url, data).status_code == 404
    assert Reference.objects.get().written_at is None


def test_it_refuses_an_empty_or_overlong_reference_with_the_form_again(
    frida, nanna_coordinates, roklub, nyborg, nyborg_client, fridas_history
):
    reference = reference_ask(volunteer=frida, organisation=roklub, coordinator=nanna_coordinates)
    browser = signed_in(nyborg_client, nanna_coordinates, nyborg)
    url = reverse("credential-reference-write", args=[reference.pk])
    for text in ("", "x" * 1201):
        page = browser.post(url, {"text": text, "author_name": "N", "author_role": "K"})
        assert page.status_code == 400 and 'role="alert"' in page.content.decode()
    assert Reference.objects.get().written_at is None


def test_it_keeps_the_signed_text_when_the_reference_is_corrected_later(
    frida, nanna_coordinates, roklub, fridas_history
):
    reference = reference_ask(volunteer=frida, organisation=roklub, coordinator=nanna_coordinates)
    reference_write(
        coordinator=nanna_coordinates,
        reference_id=reference.pk,
        text=TEXT,
        author_name="Nanna Holm",
        author_role="Koordinator",
    )
    record = record_issue(holder=frida, keys=[f"reference:{reference.pk}"])
    reference_write(
        coordinator=nanna_coordinates,
        reference_id=reference.pk,
        text="Changed",
        author_name="Nanna Holm",
        author_role="Koordinator",
    )
    record.refresh_from_db()
    assert record.credential["credentialSubject"]["references"][0]["text"] == TEXT
    assert record_verify(document=record.credential).genuine


def test_it_shows_anders_nothing_on_aarhus(
    frida, anders, aarhus, aarhus_client, nanna_coordinates, roklub, fridas_history
):
    reference = reference_ask(volunteer=frida, organisation=roklub, coordinator=nanna_coordinates)
    browser = signed_in(aarhus_client, anders, aarhus)
    url = reverse("credential-reference-write", args=[reference.pk])
    assert browser.get(url).status_code == 404
    assert "Frida" not in browser.get(reverse("credential-mine")).content.decode()


def test_it_erases_fridas_references_and_unlinks_those_nanna_wrote(
    frida, bo, nanna, nanna_coordinates, roklub, fridas_history
):
    from apps.privacy.services.erasure import person_erase

    written = reference_ask(volunteer=frida, organisation=roklub, coordinator=nanna)
    reference_write(
        coordinator=nanna, reference_id=written.pk, text=TEXT, author_name="N", author_role="K"
    )
    waiting = reference_ask(volunteer=frida, organisation=roklub, coordinator=nanna)
    result = person_erase(actor=nanna, user=frida, reason="asked")
    assert result.counts["references_deleted"] == 2 and not Reference.objects.exists()
    assert waiting.pk != written.pk


def test_it_keeps_a_written_reference_when_its_author_is_erased(
    frida, carl, nanna, roklub, fridas_history
):
    from apps.privacy.services.erasure import person_erase

    OrganisationRole.objects.create(
        organisation=roklub, user=carl, role=OrganisationRole.Role.COORDINATOR
    )
    written = reference_ask(volunteer=frida, organisation=roklub, coordinator=carl)
    reference_write(
        coordinator=carl, reference_id=written.pk, text=TEXT, author_name="Carl", author_role="K"
    )
    OrganisationRole.objects.create(
        organisation=roklub, user=nanna, role=OrganisationRole.Role.COORDINATOR
    )
    person_erase(actor=nanna, user=carl, reason="asked")
    kept = Reference.objects.get()
    assert kept.coordinator is None and kept.text == TEXT and kept.author_name == "Carl"
