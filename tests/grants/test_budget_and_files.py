"""Budget lines and attachments: checked on the server, shown only to those who may see them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from grants import uploads
from grants.models import Attachment, BudgetLine


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, format="PNG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_budget_lines_are_added_and_removed(client, resident, make_idea):
    idea = make_idea("draft")
    client.force_login(resident)
    url = reverse("grants:budget_line_add", args=[idea.pk])
    assert (
        client.post(url, {"description": "Flour and sugar", "amount": "80.50"}).status_code == 302
    )
    line = BudgetLine.objects.get(idea=idea)
    assert "Flour and sugar" in client.get(reverse("grants:idea", args=[idea.pk])).content.decode()

    bad = client.post(url, {"description": "Oven", "amount": "-3"})
    assert bad.status_code == 400
    assert 'value="Oven"' in bad.content.decode()

    client.post(reverse("grants:budget_line_remove", args=[idea.pk, line.pk]))
    assert not BudgetLine.objects.filter(idea=idea).exists()


def test_budget_cannot_change_after_the_decision(client, resident, make_idea):
    idea = make_idea("approved")
    client.force_login(resident)
    response = client.post(
        reverse("grants:budget_line_add", args=[idea.pk]), {"description": "x", "amount": "1"}
    )
    assert response.status_code == 409
    assert "can no longer be edited" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [("photo.png", png_bytes(), "image/png"), ("plan.pdf", PDF, "application/pdf")],
)
def test_images_and_pdfs_are_accepted(client, resident, make_idea, name, content, content_type):
    idea = make_idea("submitted")
    client.force_login(resident)
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    response = client.post(reverse("grants:attachment_add", args=[idea.pk]), {"file": upload})
    assert response.status_code == 302
    attachment = Attachment.objects.get(idea=idea)
    assert (attachment.original_name, attachment.content_type) == (name, content_type)
    assert name not in attachment.file.name  # stored under a name of our own

    download = client.get(reverse("grants:attachment", args=[idea.pk, attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.png", b"<script>alert(1)</script>", "Only images"),
        ("doc.pdf", b"MZ\x90\x00 an executable", "Only images"),
        ("big.pdf", b"%PDF-" + b"0" * (uploads.MAX_ATTACHMENT_BYTES + 1), "too large"),
    ],
)
def test_files_are_judged_by_content_not_name(client, resident, make_idea, name, content, message):
    idea = make_idea("draft")
    client.force_login(resident)
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = client.post(reverse("grants:attachment_add", args=[idea.pk]), {"file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Attachment.objects.exists()


def test_at_most_five_files(client, resident, make_idea):
    idea = make_idea("draft")
    client.force_login(resident)
    url = reverse("grants:attachment_add", args=[idea.pk])
    for number in range(5):
        client.post(url, {"file": SimpleUploadedFile(f"{number}.pdf", PDF)})
    sixth = client.post(url, {"file": SimpleUploadedFile("6.pdf", PDF)})
    assert sixth.status_code == 400
    assert Attachment.objects.filter(idea=idea).count() == 5


def test_files_are_private_to_the_makers_and_agents(
    client, resident, other_resident, agent, make_idea
):
    idea = make_idea("submitted")
    client.force_login(resident)
    client.post(
        reverse("grants:attachment_add", args=[idea.pk]),
        {"file": SimpleUploadedFile("plan.pdf", PDF)},
    )
    url = reverse("grants:attachment", args=[idea.pk, Attachment.objects.get().pk])
    client.force_login(other_resident)
    assert client.get(url).status_code == 403
    assert (
        client.post(
            reverse("grants:attachment_add", args=[idea.pk]),
            {"file": SimpleUploadedFile("x.pdf", PDF)},
        ).status_code
        == 403
    )
    client.force_login(agent)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302
