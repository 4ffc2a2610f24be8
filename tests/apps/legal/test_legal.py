"""Per-tenant legal pages: a versioned privacy notice that registration links to and
records, and an accessibility statement; both edited by the system owner's admin only,
both readable by anyone and linked from every page's foot."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import tenant_context

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.legal.models import Document, DocumentVersion, PrivacyConsent
from apps.legal.selectors import current_version, setup_status
from apps.legal.services import document_publish, placeholders
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

PRIVACY_EDIT = "/indstillinger/juridisk/privatliv/"
ACCESSIBILITY_EDIT = "/indstillinger/juridisk/tilgaengelighed/"


def body(response) -> str:
    return response.content.decode()


def publish(tenant, text: str, actor=None, document=Document.PRIVACY) -> DocumentVersion:
    with tenant_context(tenant):
        return document_publish(document=document, body_markdown=text, actor=actor)


# --- the standard texts ---------------------------------------------------------------


def test_it_publishes_danish_standard_texts_as_version_1_when_a_tenant_is_provisioned(
    nyborg, aarhus
):
    with tenant_context(nyborg):
        privacy = DocumentVersion.objects.get(document=Document.PRIVACY, number=1)
        statement = DocumentVersion.objects.get(document=Document.ACCESSIBILITY, number=1)
    assert privacy.is_standard and privacy.published_by is None
    text = privacy.body_markdown
    for needed in (
        "Nyborg Kommune er dataansvarlig",
        "http://nyborg.localhost/",
        "Databeskyttelsesrådgiver",
        "litra e",  # a municipality: a task in the public interest
        "litra a",
        "litra c",
        "Tovholder) er databehandler",
        "indsigt",
        "rettet",
        "slettet",
        "begrænset",
        "dataportabilitet",
        "indsigelse",
        "Datatilsynet",
        "aldrig dit CPR-nummer",
        "Hvor længe vi gemmer",
    ):
        assert needed in text, needed
    assert "[Indsæt e-mail]" in placeholders(text)
    for needed in ("WCAG 2.1", "EN 301 549", "Digitaliseringsstyrelsen", "lov nr. 692"):
        assert needed in statement.body_markdown, needed
    with tenant_context(aarhus):
        theirs = current_version(document=Document.PRIVACY)
    assert theirs is not None and "VisitAarhus er dataansvarlig" in theirs.body_markdown
    assert "litra f" in theirs.body_markdown and "Nyborg" not in theirs.body_markdown


def test_it_gives_a_tenant_without_versions_the_standard_texts_by_the_data_migration(nyborg):
    from django.apps import apps

    migration = __import__(
        "apps.legal.migrations.0003_standard_versions_for_existing_tenants",
        fromlist=["publish_standard_versions"],
    )
    with tenant_context(nyborg):
        with connection.cursor() as cursor:  # rolled back with the test
            cursor.execute("TRUNCATE legal_documentversion CASCADE")
        migration.publish_standard_versions(apps, None)
        migration.publish_standard_versions(apps, None)  # safe twice
        versions = list(DocumentVersion.objects.order_by("document"))
    assert [(v.document, v.number, v.is_standard) for v in versions] == [
        ("accessibility", 1, True),
        ("privacy", 1, True),
    ]
    assert "Nyborg Kommune er dataansvarlig" in versions[1].body_markdown


# --- versions -------------------------------------------------------------------------


def test_it_numbers_versions_upwards_and_never_changes_a_published_one(nyborg, nanna):
    second = publish(nyborg, "## Ny tekst\n\nVersion to.", actor=nanna)
    third = publish(nyborg, "## Ny tekst\n\nVersion tre.", actor=nanna)
    assert (second.number, third.number) == (2, 3)
    with tenant_context(nyborg):
        first = DocumentVersion.objects.get(document=Document.PRIVACY, number=1)
        original = first.body_markdown
        first.body_markdown = "Omskrevet"
        with pytest.raises(ValueError):
            first.save()
        # Not even past the model: the database refuses to change or delete a version.
        for statement in (
            "UPDATE legal_documentversion SET body_markdown = 'x' WHERE number = 1",
            "DELETE FROM legal_documentversion WHERE number = 1",
        ):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
                cur.execute(statement)
        assert DocumentVersion.objects.get(pk=first.pk).body_markdown == original
        assert current_version(document=Document.PRIVACY) == third
        audit = AuditEvent.objects.filter(action="legal.published", target_id=str(third.pk))
        assert audit.get().data == {"document": "privacy", "number": 3, "standard": False}
    # The accessibility statement counts on its own.
    assert publish(nyborg, "Erklæring", nanna, Document.ACCESSIBILITY).number == 2


def test_it_refuses_an_empty_text_or_the_same_text_again(nyborg, nanna):
    with pytest.raises(ValidationError):
        publish(nyborg, "   \n", actor=nanna)
    with tenant_context(nyborg):
        same = current_version(document=Document.PRIVACY).body_markdown
    with pytest.raises(ValidationError):
        publish(nyborg, same, actor=nanna)


# --- the public pages -----------------------------------------------------------------


def test_it_shows_the_current_notice_and_earlier_versions_to_anonymous_visitors(
    nyborg, nanna, nyborg_client
):
    publish(nyborg, "## Anden udgave\n\nNu med kontaktoplysninger.", actor=nanna)
    page = nyborg_client.get("/privatliv/")
    assert page.status_code == 200
    text = body(page)
    assert "<h1>Privatlivspolitik</h1>" in text and "Nu med kontaktoplysninger." in text
    assert re.search(r"Version 2, offentliggjort \d+\. \w+ 20\d\d", text)
    assert 'href="/privatliv/1/"' in text  # the earlier version, listed
    older = body(nyborg_client.get("/privatliv/1/"))
    assert "Dette er en tidligere version." in older and "Nyborg Kommune er dataansvarlig" in older
    assert nyborg_client.get("/privatliv/99/").status_code == 404
    statement = nyborg_client.get("/tilgaengelighed/")
    assert statement.status_code == 200 and "Tilgængelighedserklæring" in body(statement)
    assert "Digitaliseringsstyrelsen" in body(statement)


def test_it_never_renders_a_script_or_a_javascript_link_from_the_text(nyborg, nanna, nyborg_client):
    publish(
        nyborg,
        "## Hej\n\n<script>alert('x')</script>\n\n[klik](javascript:alert(1))\n\n"
        '<img src="x" onerror="alert(2)"> <a href="https://datatilsynet.dk">ok</a>',
        actor=nanna,
    )
    text = body(nyborg_client.get("/privatliv/"))
    assert "<h2>Hej</h2>" in text
    assert "<script" not in text and "javascript:" not in text and "onerror" not in text
    assert "<img" not in text


def test_it_links_both_pages_from_the_foot_of_every_tenant_page(nyborg_client, nyborg, nanna):
    for path in ("/", "/konto/log-ind/", "/privatliv/"):
        foot = body(nyborg_client.get(path)).split('class="site-footer"', 1)[1]
        assert 'href="/privatliv/">Privatlivspolitik</a>' in foot, path
        assert 'href="/tilgaengelighed/">Tilgængelighedserklæring</a>' in foot, path
    admin_page = body(signed_in(nyborg_client, nanna, nyborg).get("/indstillinger/"))
    assert 'href="/indstillinger/juridisk/"' in admin_page


# --- editing --------------------------------------------------------------------------


def test_it_lets_the_owner_admin_preview_and_then_publish_a_new_version(
    nyborg, nanna, nyborg_client
):
    browser = signed_in(nyborg_client, nanna, nyborg)
    overview = body(browser.get("/indstillinger/juridisk/"))
    assert "standardteksten" in overview and "pladsholdere" in overview
    form = body(browser.get(PRIVACY_EDIT))
    assert "Nyborg Kommune er dataansvarlig" in form and "[Indsæt e-mail]" in form
    text = "## Dataansvarlig\n\nNyborg Kommune, Torvet 1, 5800 Nyborg."
    preview = browser.post(PRIVACY_EDIT, {"body_markdown": text, "action": "preview"})
    assert "<h2>Dataansvarlig</h2>" in body(preview)
    with tenant_context(nyborg):
        assert current_version(document=Document.PRIVACY).number == 1  # a preview publishes nothing
    published = browser.post(PRIVACY_EDIT, {"body_markdown": text, "action": "publish"})
    assert published.status_code == 302 and published.url == PRIVACY_EDIT
    with tenant_context(nyborg):
        version = current_version(document=Document.PRIVACY)
        assert (version.number, version.published_by, version.is_standard) == (2, nanna, False)
        assert version.body_markdown == text + "\n"
    again = browser.post(PRIVACY_EDIT, {"body_markdown": text, "action": "publish"})
    assert again.status_code == 400 and "samme som den offentliggjorte" in body(again)
    assert browser.get(ACCESSIBILITY_EDIT).status_code == 200


def test_it_lets_nobody_but_the_owner_admin_edit(nyborg, kim, frida, nyborg_client):
    assert nyborg_client.get(PRIVACY_EDIT).url.startswith("/konto/log-ind/")
    data = {"body_markdown": "Overtaget", "action": "publish"}
    for person in (kim, frida):  # a coordinator and a volunteer
        browser = signed_in(nyborg_client, person, nyborg)
        for path in ("/indstillinger/juridisk/", PRIVACY_EDIT, ACCESSIBILITY_EDIT):
            assert browser.get(path).status_code == 404
            assert browser.post(path, data).status_code == 404
    with tenant_context(nyborg):
        assert current_version(document=Document.PRIVACY).number == 1


def test_it_shows_anders_only_visitaarhus_texts_and_keeps_his_edits_there(
    nyborg, aarhus, anders, aarhus_client
):
    browser = signed_in(aarhus_client, anders, aarhus)
    form = body(browser.get(PRIVACY_EDIT))
    assert "VisitAarhus er dataansvarlig" in form and "Nyborg" not in form
    text = "## VisitAarhus\n\nKontakt os."
    assert (
        browser.post(PRIVACY_EDIT, {"body_markdown": text, "action": "publish"}).status_code == 302
    )
    with tenant_context(aarhus):
        assert current_version(document=Document.PRIVACY).number == 2
    with tenant_context(nyborg):
        assert current_version(document=Document.PRIVACY).number == 1


def test_it_tells_the_checklist_whether_the_admin_has_published_each_page(nyborg, nanna):
    with tenant_context(nyborg):
        before = setup_status()
    assert not before.privacy_published and not before.accessibility_published
    assert before.privacy_version is not None and before.privacy_version.is_standard
    publish(nyborg, "Vores egen tekst", actor=nanna)
    with tenant_context(nyborg):
        after = setup_status()
    assert after.privacy_published and not after.accessibility_published and not after.done


# --- registration ---------------------------------------------------------------------


def register(client, email: str, **extra) -> object:
    form = {"full_name": "Ea Ny", "email": email, "consent": "on", **extra}
    return client.post("/konto/tilmeld/", form)


def test_it_links_registration_to_the_notice_and_records_the_version_accepted(
    nyborg, nanna, nyborg_client
):
    publish(nyborg, "Anden udgave", actor=nanna)
    page = body(nyborg_client.get("/konto/tilmeld/"))
    assert 'href="/privatliv/2/"' in page and "Læs privatlivspolitikken (version 2)" in page
    assert 'name="privacy_version" value="2"' in page
    assert register(nyborg_client, "ea@example.dk", privacy_version="2").status_code == 200
    with tenant_context(nyborg):
        ea = User.objects.get(email="ea@example.dk")
        consent = PrivacyConsent.objects.get(user=ea)
        assert consent.version.number == 2 and consent.accepted_at >= ea.date_joined
        assert AuditEvent.objects.filter(action="legal.privacy_accepted", target_id=str(ea.pk))


def test_it_records_the_version_the_person_read_when_a_new_one_came_out_meanwhile(
    nyborg, nanna, nyborg_client
):
    page = body(nyborg_client.get("/konto/tilmeld/"))  # shows version 1
    assert 'name="privacy_version" value="1"' in page
    publish(nyborg, "Anden udgave", actor=nanna)
    register(nyborg_client, "bo.ny@example.dk", privacy_version="1")
    register(nyborg_client, "carl.ny@example.dk")  # an old page without the field: current
    with tenant_context(nyborg):
        accepted = dict(PrivacyConsent.objects.values_list("user__email", "version__number"))
    assert accepted == {"bo.ny@example.dk": 1, "carl.ny@example.dk": 2}
    refused = register(nyborg_client, "dan.ny@example.dk", privacy_version="77")
    assert refused.status_code == 400 and "Genindlæs siden, og prøv igen." in body(refused)
    with tenant_context(nyborg):
        assert not User.objects.filter(email="dan.ny@example.dk").exists()


def test_it_records_no_consent_for_an_address_that_already_has_an_account(
    nyborg, frida, nyborg_client
):
    register(nyborg_client, frida.email, privacy_version="1")
    with tenant_context(nyborg):
        assert not PrivacyConsent.objects.filter(user=frida).exists()


def test_it_registers_without_a_version_when_a_tenant_has_no_notice(nyborg, nyborg_client):
    with tenant_context(nyborg), connection.cursor() as cursor:
        cursor.execute("TRUNCATE legal_documentversion CASCADE")  # rolled back with the test
    page = body(nyborg_client.get("/konto/tilmeld/"))
    assert "privacy_version" in page and "/privatliv/1/" not in page
    assert register(nyborg_client, "ea@example.dk").status_code == 200
    with tenant_context(nyborg):
        assert User.objects.filter(email="ea@example.dk").exists()
        assert not PrivacyConsent.objects.exists()
    assert "ikke offentliggjort endnu" in body(nyborg_client.get("/privatliv/"))
