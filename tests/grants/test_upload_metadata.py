"""Residents' phone photos are kept without their metadata: no GPS position, no camera, no
time; the orientation is applied to the pixels. The original is never stored."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from grants.models import Attachment

GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (60.0, 59.0, 47.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (24.0, 27.0, 51.0),
}


def phone_photo(image_format: str = "JPEG") -> bytes:
    image = Image.new("RGB", (40, 20), "red")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMakerX"
    exif[ExifTags.Base.DateTime] = "2026:06:01 12:00:00"
    exif[ExifTags.Base.Orientation] = 6  # taken sideways: to be turned 90°
    exif[ExifTags.IFD.GPSInfo] = GPS
    out = io.BytesIO()
    image.save(out, image_format, exif=exif)
    return out.getvalue()


@pytest.mark.parametrize(
    ("image_format", "name"), [("JPEG", "photo.jpg"), ("PNG", "photo.png"), ("WEBP", "photo.webp")]
)
def test_a_photo_with_gps_tags_is_kept_without_them(
    client, resident, make_idea, image_format, name
):
    sent = phone_photo(image_format)
    assert Image.open(io.BytesIO(sent)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # it had them
    idea = make_idea("running")
    client.force_login(resident)
    upload = SimpleUploadedFile(name, sent, content_type="image/jpeg")
    response = client.post(reverse("grants:attachment_add", args=[idea.pk]), {"file": upload})
    assert response.status_code == 302
    attachment = Attachment.objects.get(idea=idea)
    with attachment.file.open("rb") as stored:
        kept = stored.read()
    image = Image.open(io.BytesIO(kept))
    assert image.format == image_format
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert not dict(image.getexif())
    assert b"PhoneMakerX" not in kept and b"2026:06:01" not in kept
    assert image.size == (20, 40)  # the orientation is in the pixels now
    assert attachment.size == len(kept)
    # What the makers and agents download is the same cleaned file.
    downloaded = client.get(reverse("grants:attachment", args=[idea.pk, attachment.pk]))
    assert b"".join(downloaded.streaming_content) == kept


def test_a_pdf_is_kept_as_it_came(client, resident, make_idea):
    from tests.grants.test_budget_and_files import PDF

    idea = make_idea("running")
    client.force_login(resident)
    client.post(
        reverse("grants:attachment_add", args=[idea.pk]), {"file": SimpleUploadedFile("a.pdf", PDF)}
    )
    with Attachment.objects.get(idea=idea).file.open("rb") as stored:
        assert stored.read() == PDF
