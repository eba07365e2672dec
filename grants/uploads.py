"""Uploaded files are judged by their content, never by their name or the browser's word."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS_PER_IDEA = 5
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# More pixels than any phone takes: a small file that declares more is a decompression bomb.
MAX_IMAGE_PIXELS = 60_000_000


def sniff_content_type(uploaded) -> str:
    """The real type of an uploaded file (PDF or image), or ValidationError."""
    if uploaded.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("The file is too large: at most %(mb)s MB.") % {"mb": MAX_ATTACHMENT_BYTES // 2**20}
        )
    uploaded.seek(0)
    head = uploaded.read(5)
    uploaded.seek(0)
    if head == b"%PDF-":
        return "application/pdf"
    from PIL import Image, UnidentifiedImageError

    too_large = ValidationError(_("The image is too large: at most 60 megapixels."))
    try:
        with Image.open(uploaded) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise too_large
            image.verify()
            image_format = image.format
    except Image.DecompressionBombError as error:
        raise too_large from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            _("Only images (JPEG, PNG, WebP) and PDF files can be added.")
        ) from error
    finally:
        uploaded.seek(0)
    if image_format not in IMAGE_FORMATS:
        raise ValidationError(_("Only images (JPEG, PNG, WebP) and PDF files can be added."))
    return IMAGE_FORMATS[image_format]


def without_metadata(uploaded, content_type: str):
    """An image drawn again from its pixels alone: EXIF (the phone's GPS position, its make,
    the time), XMP and comments left behind, the orientation applied to the pixels. Other files
    as they came. The original is never stored."""
    if not content_type.startswith("image/"):
        return uploaded
    from django.core.files.base import ContentFile
    from PIL import Image, ImageOps

    uploaded.seek(0)
    with Image.open(uploaded) as image:
        image_format = image.format
        upright = ImageOps.exif_transpose(image)
        # A copy of the pixels only: no info dictionary (EXIF, XMP, comments) travels with them.
        clean = Image.new(upright.mode, upright.size)
        clean.paste(upright)
        if upright.mode == "P" and upright.getpalette():
            clean.putpalette(upright.getpalette())
    out = ContentFile(b"", name=getattr(uploaded, "name", "image"))
    options = {"quality": 90} if image_format in ("JPEG", "WEBP") else {}
    clean.save(out, format=image_format, **options)
    out.seek(0)
    return out
