"""Hardening shared by the whole portal (issue 10).

- ``NoStoreDownloadsMiddleware``: every export and file download is sent
  with ``Cache-Control: no-store`` so no browser or proxy keeps a copy.
- ``upload_limit`` / ``LimitedUploadHandler`` / ``UploadLimitMiddleware``:
  a request body larger than the limit of its URL (evidence, imports) is
  refused from its declared length, before a byte of it is read; what is
  accepted streams to a temporary file on disk above
  ``FILE_UPLOAD_MAX_MEMORY_SIZE``.
- ``check_archive``: zip-based uploads (docx, xlsx) are pre-scanned for
  their number of members, unpacked size and compression ratio before
  anything parses them (zip bombs).
"""

from __future__ import annotations

import re
import zipfile
from typing import IO

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.handlers.wsgi import LimitedStream
from django.http import FileResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation

# --- downloads -------------------------------------------------------------------------

#: Content types that are always downloads (exports, evidence, archives).
DOWNLOAD_TYPES = (
    "application/vnd.openxmlformats-officedocument.",
    "application/vnd.ms-excel",
    "application/pdf",
    "application/zip",
    "application/x-zip-compressed",
    "application/octet-stream",
    "text/csv",
)


def is_download(response) -> bool:
    """An export or a file: an attachment, a file response or a file type."""
    if isinstance(response, FileResponse):
        return True
    if response.get("Content-Disposition", "").lower().lstrip().startswith("attachment"):
        return True
    content_type = response.get("Content-Type", "").lower()
    return content_type.startswith(DOWNLOAD_TYPES)


class NoStoreDownloadsMiddleware:
    """``Cache-Control: no-store`` (and ``Pragma: no-cache`` for HTTP/1.0
    caches) on every export and file download."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_download(response):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


# --- API rendering -------------------------------------------------------------------


class JSONFallbackNegotiation(DefaultContentNegotiation):
    """The API speaks JSON only: a client asking for something else (a
    browser's ``Accept: text/html``) gets JSON rather than 406."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type


# --- upload limits ---------------------------------------------------------------------

_EVIDENCE_PATH = re.compile(r"/evidence/$")
_IMPORT_PATH = re.compile(r"/import/$")


def upload_limit(path: str) -> int:
    """The largest request body accepted at ``path``: a file's own limit
    plus room for the multipart framing and the form's other fields."""
    slack = settings.UPLOAD_SLACK_BYTES
    if _EVIDENCE_PATH.search(path):
        return settings.EVIDENCE_MAX_BYTES + slack
    if _IMPORT_PATH.search(path):
        return settings.IMPORT_MAX_BYTES + slack
    return max(settings.EVIDENCE_MAX_BYTES, settings.IMPORT_MAX_BYTES) + slack


def file_limit(path: str) -> int:
    """The limit of the file itself at ``path`` (for the message)."""
    if _IMPORT_PATH.search(path):
        return settings.IMPORT_MAX_BYTES
    if _EVIDENCE_PATH.search(path):
        return settings.EVIDENCE_MAX_BYTES
    return max(settings.EVIDENCE_MAX_BYTES, settings.IMPORT_MAX_BYTES)


def too_large_message(size: int, path: str) -> str:
    return _("The file is %(size).1f MB; the limit is %(limit).0f MB.") % {
        "size": size / 2**20,
        "limit": file_limit(path) / 2**20,
    }


def _declared_length(meta) -> int:
    try:
        return int(meta.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        return 0


def _is_multipart(meta) -> bool:
    return meta.get("CONTENT_TYPE", "").lower().startswith("multipart/")


class LimitedUploadHandler(FileUploadHandler):
    """First upload handler: refuses a body over the limit of its URL.

    From the declared ``Content-Length`` it answers an empty POST and FILES
    without reading anything; it also counts the bytes streamed and stops
    the upload once they pass the limit. Either way the request carries
    ``upload_refused`` (the message) for the view or the middleware."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = upload_limit(request.path_info if request is not None else "")
        self.received = 0

    def _refuse(self, size: int) -> None:
        if self.request is not None:
            self.request.upload_refused = too_large_message(size, self.request.path_info)

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > self.limit:
            self._refuse(content_length)
            return QueryDict(encoding=encoding), MultiValueDict()
        return None  # the next handlers parse as usual

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self._refuse(self.received)
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None  # the memory or temporary-file handler keeps the file


class UploadLimitMiddleware:
    """Answers a multipart request whose declared length is over the limit
    of its URL before anything reads the body (placed before the CSRF check,
    which would read the form): 413 with ``{"file": [message]}`` in the API,
    back to the page with the message on a page. Nothing is written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in ("POST", "PUT", "PATCH") or not _is_multipart(request.META):
            return None
        size = _declared_length(request.META)
        if size <= upload_limit(request.path_info):
            return None
        message = too_large_message(size, request.path_info)
        request.upload_refused = message
        _discard_for_the_development_server(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse({"file": [message]}, status=413)
        messages.error(request, message)
        target = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = "/"
        return HttpResponseRedirect(target)


def _discard_for_the_development_server(request) -> None:
    """``runserver`` drains an unread body in ONE read at the end of the
    request (hundreds of megabytes in memory); drain it here in small chunks
    instead, so ``make run`` answers the refusal without holding the body.
    Production servers (gunicorn) hand over their own stream: nothing is
    read there, and the connection is closed after the answer."""
    stream = request.META.get("wsgi.input")
    if isinstance(stream, LimitedStream):  # only the development server's
        while stream.read(64 * 1024):
            pass


# --- archives --------------------------------------------------------------------------

#: Members and archives smaller than this are not held to the ratio: a few
#: kilobytes of repetitive XML legitimately pack very tightly.
RATIO_FLOOR = 1024 * 1024


def is_zip(upload: IO[bytes]) -> bool:
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    return head in (b"PK\x03\x04", b"PK\x05\x06")


def check_archive(upload: IO[bytes], *, max_members: int | None = None) -> None:
    """Refuse a zip whose directory promises too much: more than
    ``ARCHIVE_MAX_MEMBERS`` members, more than ``ARCHIVE_MAX_UNCOMPRESSED``
    bytes unpacked, or a member or the whole packed more tightly than
    ``ARCHIVE_MAX_RATIO``:1. Only the central directory is read (nothing is
    decompressed); Python's zipfile never unpacks a member past its declared
    size, so what passes here is what a parser can get."""
    max_members = max_members or settings.ARCHIVE_MAX_MEMBERS
    max_total = settings.ARCHIVE_MAX_UNCOMPRESSED
    max_ratio = settings.ARCHIVE_MAX_RATIO
    upload.seek(0, 2)
    packed = upload.tell()
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise ValidationError({"file": _("The file is not a readable archive.")}) from None
    finally:
        upload.seek(0)
    if len(members) > max_members:
        raise ValidationError(
            {"file": _("The file holds too many parts (more than %(n)d).") % {"n": max_members}}
        )
    total = sum(m.file_size for m in members)
    if total > max_total:
        raise ValidationError(
            {
                "file": _("The file unpacks to too much data (more than %(mb)d MB).")
                % {"mb": max_total // 2**20}
            }
        )
    dense = any(
        m.file_size >= RATIO_FLOOR and m.file_size > max_ratio * max(m.compress_size, 1)
        for m in members
    )
    if dense or (total >= RATIO_FLOOR and total > max_ratio * max(packed, 1)):
        raise ValidationError(
            {
                "file": _(
                    "The file is packed too tightly (more than %(ratio)d to 1): "
                    "it may be a zip bomb."
                )
                % {"ratio": max_ratio}
            }
        )
