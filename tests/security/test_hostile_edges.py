"""Inputs that used to give a server error or break a mail: a forged form token longer than the
database keeps, a NUL byte in the report's round, an image that declares more pixels than any
phone takes (a decompression bomb), and a title with a line break in every email's subject."""

import struct
import zlib

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.models import Idea
from tests.security import form_data


def png_declaring(width: int, height: int) -> bytes:
    """A small, valid PNG file whose header declares the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "started", ["x" * 101, "a" * 5000, "forged\x00token", "QZ" * 60 + ":1abc:sig"]
)
def test_a_forged_form_token_is_no_server_error(client, resident, district, open_round, started):
    client.force_login(resident)
    data = form_data.idea_data(district, title="Pihapelit", started=started, save_draft="1")
    response = client.post(reverse("grants:idea_new"), data)
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        # The forged token is not kept; the idea is named by what it says instead.
        assert Idea.objects.get(title="Pihapelit").submission_key.startswith("content-")


@pytest.mark.parametrize("value", ["a\x00b", "\x00", "x" * 500])
def test_a_strange_round_on_the_district_report_is_not_found(client, manager, district, value):
    client.force_login(manager)
    response = client.get(reverse("reports:district", args=[district.slug]), {"round": value})
    assert response.status_code == 404


@pytest.mark.parametrize("size", [(30000, 30000), (10000, 7000)])
def test_an_image_declaring_too_many_pixels_is_refused_with_a_reason(
    client, resident, make_idea, size, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    idea = make_idea("draft")
    client.force_login(resident)
    upload = SimpleUploadedFile("bomb.png", png_declaring(*size), content_type="image/png")
    response = client.post(reverse("grants:attachment_add", args=[idea.pk]), {"file": upload})
    assert response.status_code in (302, 400)
    page = client.get(reverse("grants:idea", args=[idea.pk])).content.decode()
    assert response.status_code == 400 or "too large" in page
    assert not idea.attachments.exists()


@pytest.mark.parametrize("size", [(30000, 30000), (10000, 7000)])
def test_a_closing_report_photo_declaring_too_many_pixels_is_refused_and_the_text_kept(
    client, resident, make_idea, size, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    idea = make_idea("report_due")
    client.force_login(resident)
    bomb = SimpleUploadedFile("bomb.png", png_declaring(*size), content_type="image/png")
    data = form_data.report_data(what_happened="Neljä iltaa pihalla", photo=bomb)
    response = client.post(reverse("grants:closing_report", args=[idea.pk]), data)
    assert response.status_code == 400
    assert "60 megapixels" in response.content.decode()
    assert "Neljä iltaa pihalla" in response.content.decode()  # what was typed is kept
    assert not idea.attachments.exists()
    idea.refresh_from_db()
    assert idea.status == "report_due"


def test_a_small_png_is_still_accepted(client, resident, make_idea, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    idea = make_idea("draft")
    client.force_login(resident)
    upload = SimpleUploadedFile("ok.png", png_declaring(8, 8), content_type="image/png")
    client.post(reverse("grants:attachment_add", args=[idea.pk]), {"file": upload})
    assert idea.attachments.count() == 1


@pytest.mark.parametrize(
    "title",
    [
        "Pihapelit\nSet-Cookie: x",
        "Kahvila\r\n\r\nBcc: x@y.z",
        "A\tB",
        "Lukupiiri\rTo: x@y.z",
        "Kirppis\u2028Bcc: x@y.z",
        "Ilta\x0bkahvila\x0c\x85",
    ],
)
def test_a_title_with_a_line_break_never_stops_an_email(
    make_idea, agent, title, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        make_idea("submitted", title=title)
    subjects = [message.subject for message in mail.outbox]
    assert subjects, "no email was sent"
    assert all("\n" not in subject and "\r" not in subject for subject in subjects)


def test_a_pdf_named_as_a_web_page_downloads_as_a_pdf(
    client, resident, make_idea, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    idea = make_idea("draft")
    client.force_login(resident)
    upload = SimpleUploadedFile("evil.html", b"%PDF-1.4 <script>alert(1)</script>")
    client.post(reverse("grants:attachment_add", args=[idea.pk]), {"file": upload})
    attachment = idea.attachments.get()
    response = client.get(reverse("grants:attachment", args=[idea.pk, attachment.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="evil.html.pdf"' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")


def test_a_message_sent_again_with_its_form_is_kept_once(
    client, resident, make_idea, django_capture_on_commit_callbacks
):
    from grants.models import Message, Notification

    idea = make_idea("submitted")
    client.force_login(resident)
    page = client.get(reverse("grants:idea", args=[idea.pk])).content.decode()
    key = page.split('name="key" value="')[1].split('"')[0]
    url = reverse("grants:idea_messages", args=[idea.pk])
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(10):
            assert client.post(url, {"body": "Hello", "key": key}).status_code == 302
    assert Message.objects.filter(idea=idea, body="Hello").count() == 1
    assert (
        Notification.objects.count() - before
        == Notification.objects.filter(kind="message_to_agent").count()
    )
    # A second filling of the form is a second message; another person's key makes a new one.
    client.post(url, {"body": "Hello again", "key": "another"})
    other = make_idea("submitted", title="Toinen")
    client.post(reverse("grants:idea_messages", args=[other.pk]), {"body": "Hi", "key": key})
    assert Message.objects.filter(author=resident).count() == 3


def test_an_idea_form_without_its_token_sent_twice_makes_one_idea(
    client, resident, district, open_round, settings
):
    settings.SPAM_MIN_SECONDS_TO_FILL = 0
    client.force_login(resident)
    data = form_data.idea_data(district, title="Kahdesti lähetetty", save_draft="1")
    data.pop("started", None)
    for _ in range(3):
        assert client.post(reverse("grants:idea_new"), data).status_code == 302
    assert Idea.objects.filter(title="Kahdesti lähetetty").count() == 1


def test_two_ideas_without_their_token_that_differ_in_any_field_are_two_ideas(
    client, resident, district, open_round, settings
):
    settings.SPAM_MIN_SECONDS_TO_FILL = 0
    client.force_login(resident)
    for partners in ("Kyläyhdistys", "Seurakunta"):
        data = form_data.idea_data(district, title="Sama otsikko", partners_text=partners)
        data.pop("started", None)
        assert client.post(reverse("grants:idea_new"), data).status_code == 302
    assert Idea.objects.filter(title="Sama otsikko").count() == 2
