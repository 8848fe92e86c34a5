"""The signed agreement as a download (the page and the API): its type as
read from the content when it was filed, its name ending in that type."""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

from django.http import FileResponse

from .models import Agreement


def agreement_download(agreement: Agreement) -> FileResponse:
    content_type = agreement.file_type or "application/octet-stream"
    name = agreement.file_name or "agreement"
    wanted = mimetypes.guess_extension(content_type) if agreement.file_type else None
    if wanted and mimetypes.guess_type(name)[0] != content_type:
        name = f"{PurePath(name).stem or 'agreement'}{wanted}"
    response = FileResponse(
        agreement.file.open("rb"), as_attachment=True, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
