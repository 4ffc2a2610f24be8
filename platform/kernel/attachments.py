"""Files attached to messages and group posts: a few common document and image types,
within limits that mail servers accept (many refuse messages over 10-25 MB, and base64 adds
a third); the form field that takes several, and the fields every attachment row keeps."""

import mimetypes

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Extension → the first bytes such a file starts with (None: plain text, nothing to check).
# Office files (docx/xlsx/pptx/odt/ods) are zip archives.
ALLOWED = {
    "pdf": b"%PDF-",
    "png": b"\x89PNG\r\n\x1a\n",
    "jpg": b"\xff\xd8\xff",
    "jpeg": b"\xff\xd8\xff",
    "docx": b"PK\x03\x04",
    "xlsx": b"PK\x03\x04",
    "pptx": b"PK\x03\x04",
    "odt": b"PK\x03\x04",
    "ods": b"PK\x03\x04",
    "txt": None,
    "csv": None,
    "ics": None,
}


def check_attachments(files: list[UploadedFile]) -> None:
    """Refuse, with a message naming the file and the limit, anything past the limits."""
    if len(files) > settings.MESSAGE_ATTACHMENTS_MAX_COUNT:
        raise ValidationError(
            _("Attach at most %(count)d files.") % {"count": settings.MESSAGE_ATTACHMENTS_MAX_COUNT}
        )
    for upload in files:
        _check_one(upload)
    total = sum(upload.size or 0 for upload in files)
    if total > settings.MESSAGE_ATTACHMENTS_MAX_BYTES:
        raise ValidationError(
            _("The attachments are %(size)s together; the limit is %(limit)s.")
            % {
                "size": filesizeformat(total),
                "limit": filesizeformat(settings.MESSAGE_ATTACHMENTS_MAX_BYTES),
            }
        )


def _check_one(upload: UploadedFile) -> None:
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED:
        raise ValidationError(
            _("%(name)s: this type of file cannot be attached. Allowed: %(types)s.")
            % {"name": name, "types": ", ".join(sorted(ALLOWED))}
        )
    if (upload.size or 0) > settings.MESSAGE_ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is %(size)s; each file may be at most %(limit)s.")
            % {
                "name": name,
                "size": filesizeformat(upload.size or 0),
                "limit": filesizeformat(settings.MESSAGE_ATTACHMENT_MAX_BYTES),
            }
        )
    magic = ALLOWED[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if magic is not None and not head.startswith(magic):
        raise ValidationError(
            _("%(name)s is not really a .%(ext)s file.") % {"name": name, "ext": extension}
        )


def stored_fields(upload: UploadedFile) -> dict[str, object]:
    """The fields of an attachment row (see AttachedFile) for a checked upload. The
    type it declares comes from the checked extension, not the browser's word."""
    name = (upload.name or "file")[:200]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return {"file": upload, "name": name, "content_type": content_type, "size": upload.size or 0}


class AttachedFile(models.Model):
    """What every attachment keeps beside its file (apps.messaging.Attachment,
    apps.groups.PostAttachment); abstract, so it has no table of its own."""

    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; the limits are checked by the service (check_attachments)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]
