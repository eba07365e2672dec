"""A large export is made by a Celery task and offered for download when ready."""

import csv
import io

from django.urls import reverse

from reports.models import Export


def test_a_large_export_is_made_in_the_background_and_downloaded(
    client, manager, agent, make_idea, district, django_capture_on_commit_callbacks
):
    make_idea("closed", title="=1+1")
    make_idea("approved", title="Torstaitreffit")
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:district_export", args=[district.slug]))
    export = Export.objects.get()
    assert response.url == reverse("reports:export", args=[export.pk])
    assert (export.state, export.rows) == ("ready", 2)

    page = client.get(reverse("reports:export", args=[export.pk]))
    assert "Download the CSV" in page.content.decode()
    download = client.get(reverse("reports:export", args=[export.pk]) + "?download=1")
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Pilot"
    assert sorted(row[0] for row in rows[1:]) == ["'=1+1", "Torstaitreffit"]

    client.force_login(agent)  # another person's export is not theirs to see
    assert client.get(reverse("reports:export", args=[export.pk])).status_code == 404


def test_residents_cannot_export(client, resident, district):
    client.force_login(resident)
    assert client.post(reverse("reports:district_export", args=[district.slug])).status_code == 403
    assert not Export.objects.exists()


def test_an_export_that_cannot_be_made_is_marked_failed(manager, district, monkeypatch):
    from reports import tasks
    from reports.services import exports

    export = Export.objects.create(district=district, requested_by=manager, language="en")

    def broken(*, export_id):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "export_make", broken)
    result = tasks.make_export.apply(args=(export.pk,), throw=False)
    assert result.failed()
    export.refresh_from_db()
    assert export.state == Export.State.FAILED


def test_the_district_table_comes_as_xlsx_too(client, manager, district, make_idea):
    from openpyxl import load_workbook

    make_idea("approved", title="Kylän kahvila")
    client.force_login(manager)
    response = client.get(reverse("reports:district_xlsx", args=[district.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="minipilot-' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    csv_rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    client.get(
                        reverse("reports:district_csv", args=[district.slug])
                    ).streaming_content
                ).decode("utf-8-sig")
            )
        )
    )
    assert list(rows[0]) == csv_rows[0]
    assert len(rows) == len(csv_rows) == 2
    assert "Kylän kahvila" in rows[1]
