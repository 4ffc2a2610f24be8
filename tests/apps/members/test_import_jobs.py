"""Large imports in the background: Nanna's 50,000-row member list becomes an ImportJob that a
Celery task writes chunk by chunk while the page shows how far it has come. Bad rows are
reported by line and left out; a rerun adds no one twice; Anders (VisitAarhus) finds nothing.

The full 50,000 rows run in bench/members_import.py (about a minute on these machines);
here a few thousand rows in small chunks go through the same code.
"""

import io

import pytest
from django.conf import settings
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.members.imports import jobs
from apps.members.imports.jobs import file_keep, import_job_run, import_job_start
from apps.members.imports.parsing import MAX_ROWS, read_table
from apps.members.models import ImportJob, Membership
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

HEADER = "Fornavn;Efternavn;E-mail;Mobil;Postnummer;Fødselsår"


def csv_rows(count: int, *, start: int = 0) -> list[str]:
    return [
        f"Frivillig {i};Ærøsen;frivillig{i}@example.dk;{20000000 + i};{5000 + i % 900};"
        f"{1950 + i % 50}"
        for i in range(start, start + count)
    ]


def csv_file(lines: list[str]) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode("cp1252")


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(jobs, "CHUNK_ROWS", 500)


def start_job(actor, organisation, data: bytes, capture, filename="liste.csv", *, run=True):
    table = read_table(data, filename, first=1)  # as the upload page reads it
    mapping = {"first_name": 0, "last_name": 1, "email": 2, "phone": 3, "postcode": 4}
    mapping["birth_year"] = 5
    with capture() as callbacks:
        job = import_job_start(
            actor=actor,
            organisation=organisation,
            path=file_keep(data),
            filename=filename,
            headers=table.headers,
            rows_total=table.total,
            mapping=mapping,
        )
    (send,) = callbacks  # the task, sent when the page's transaction commits
    if run:
        # Celery is eager in tests: the task runs here. The information mails it queues wait
        # for a commit that a test never makes (thousands of them would only slow it down).
        send()
    job.refresh_from_db()
    return job


def test_it_imports_thousands_of_rows_in_chunks_and_reports_bad_rows_by_line(
    nanna, roklub, media, small_chunks, django_capture_on_commit_callbacks
):
    lines = csv_rows(3_000)
    lines[10] = "Bent;Bad;bent(at)example.dk;;;"  # line 12
    lines[2_600] = "Dobbelt;Ærøsen;frivillig5@example.dk;;;"  # line 2,602: as line 7, chunk 1
    job = start_job(nanna, roklub, csv_file(lines), django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.DONE and job.finished_at
    assert (job.rows_total, job.rows_done, job.created, job.skipped) == (3_000, 3_000, 2_998, 2)
    assert [line for line, _errors in job.errors] == [12, 2_602]
    assert "linje 7" in job.errors[1][1][0]  # Danish, the site's language
    assert roklub.memberships.count() == 2_998
    report = jobs.error_report(job).decode("utf-8-sig").splitlines()
    assert [row.split(";")[6] for row in report[1:]] == ["12", "2602"]
    audit = AuditEvent.objects.get(action="members.import")
    assert (audit.data["created"], audit.data["skipped"], audit.data["job"]) == (2_998, 2, job.pk)
    assert not (media / "nyborg" / "imports" / "upload.csv").exists()  # the upload is gone


def test_a_rerun_of_the_task_or_of_the_file_adds_no_one_twice(
    nanna, roklub, media, small_chunks, django_capture_on_commit_callbacks
):
    data = csv_file(csv_rows(1_200))
    job = start_job(nanna, roklub, data, django_capture_on_commit_callbacks)
    assert (job.status, job.created) == (ImportJob.Status.DONE, 1_200)
    # Celery delivers the task again: a finished job is left as it is.
    assert import_job_run(job_id=job.pk).created == 1_200
    # A worker died after the first chunk: the job is still "running" at row 500 with its
    # upload kept; the rerun carries on from there.
    other = csv_file(csv_rows(1_200, start=5_000))
    half = start_job(nanna, roklub, other, django_capture_on_commit_callbacks, run=False)
    ImportJob.objects.filter(pk=half.pk).update(status=ImportJob.Status.RUNNING)
    jobs._chunk_write(
        half,
        nanna,
        roklub,
        0,
        _checked(half, 500),
        jobs.table_kept(half.path, half.filename),
        jobs.table_kept(half.path, half.filename).lines()[:500],
    )
    assert ImportJob.objects.get(pk=half.pk).rows_done == 500
    finished = import_job_run(job_id=half.pk)
    assert (finished.rows_done, finished.created, finished.skipped) == (1_200, 1_200, 0)
    # The same file again: everyone is found by email and is a member already.
    again = start_job(nanna, roklub, data, django_capture_on_commit_callbacks)
    assert (again.created, again.joined, again.already_members) == (0, 0, 1_200)
    assert Membership.objects.filter(organisation=roklub).count() == 2_400


def _checked(job, count):
    from apps.members.imports.services import clean_row, mark_duplicates

    table = jobs.table_kept(job.path, job.filename)
    rows = [clean_row(line, cells, job.mapping) for line, cells in table.lines()[:count]]
    mark_duplicates(rows)
    return rows


# --- the pages ----------------------------------------------------------------------------


def upload(browser, organisation, data: bytes, name: str = "liste.csv"):
    handle = io.BytesIO(data)
    handle.name = name
    return browser.post(reverse("members-import", args=[organisation.pk]), {"file": handle})


def test_a_file_over_50000_rows_is_refused_with_a_danish_error(
    nyborg_client, nanna, nyborg, roklub, media
):
    browser = signed_in(nyborg_client, nanna, nyborg)
    data = csv_file(["Bo;Ild;bo@example.dk;;;"] * (MAX_ROWS + 1))
    response = upload(browser, roklub, data)
    assert response.status_code == 400
    assert "Filen har mere end 50000 rækker. Del den op i mindre filer." in response.text
    assert not ImportJob.objects.exists()
    assert not (media / "nyborg" / "imports").exists()


def test_the_progress_page_polls_until_done_in_a_fixed_number_of_queries(
    nyborg_client, nanna, nyborg, roklub, media, django_assert_num_queries
):
    browser = signed_in(nyborg_client, nanna, nyborg)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    job = import_job_start(  # not run: on-commit callbacks are not executed here
        actor=nanna,
        organisation=roklub,
        path=file_keep(csv_file(csv_rows(3))),
        filename="liste.csv",
        headers=HEADER.split(";"),
        rows_total=3,
        mapping={"first_name": 0, "email": 2},
    )
    url = reverse("members-import-job", args=[roklub.pk, job.pk])
    page = browser.get(url)
    assert 'hx-trigger="every 2s"' in page.text and "Waiting to start" in page.text
    assert "<script>" not in page.text  # htmx from its vendored file, nothing inline
    # the domain, the session, the user, the second factor that verified the session, the
    # job with its organisation, the coordinator check (two): the same while queued and
    # when done, whatever the file's size
    with django_assert_num_queries(7):
        fragment = browser.get(url, HTTP_HX_REQUEST="true")
    assert fragment.text.lstrip().startswith('<div id="import-job"')
    import_job_run(job_id=job.pk)
    with django_assert_num_queries(7):
        fragment = browser.get(url, HTTP_HX_REQUEST="true")
    assert "Import done" in fragment.text and "hx-trigger" not in fragment.text
    assert "3 new volunteers registered" in fragment.text


def test_anders_on_visitaarhus_cannot_see_nyborgs_job(
    nanna, roklub, media, aarhus_client, anders, aarhus, django_capture_on_commit_callbacks
):
    lines = [*csv_rows(2), "Bent;Bad;bent(at)example.dk;;;"]
    job = start_job(nanna, roklub, csv_file(lines), django_capture_on_commit_callbacks)
    assert job.error_report
    browser = signed_in(aarhus_client, anders, aarhus)
    for name in ("members-import-job", "members-import-errors"):
        response = browser.get(reverse(name, args=[roklub.pk, job.pk]))
        assert response.status_code == 404, name
        assert b"liste.csv" not in response.content


def test_the_upload_reads_only_the_first_rows_of_an_xlsx_and_counts_the_rest():
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER.split(";"))
    for line in csv_rows(30):
        sheet.append(line.split(";"))
    out = io.BytesIO()
    book.save(out)
    table = read_table(out.getvalue(), "liste.xlsx", first=5)
    assert (len(table.rows), table.total) == (5, 30)
    assert table.rows[4][2] == "frivillig4@example.dk"
    assert read_table(out.getvalue(), "liste.xlsx").total == 30
