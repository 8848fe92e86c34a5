"""Evidence uploads: type checked by content (never by name), size-limited,
nothing written when refused, one history row per upload."""

from __future__ import annotations

import hashlib
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ledgers.models import EntryEvent, Evidence

from .conftest import make_entry, state

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
_IHDR = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
PNG = (
    b"\x89PNG\r\n\x1a\n"
    + struct.pack(">I", len(_IHDR))
    + b"IHDR"
    + _IHDR
    + struct.pack(">I", zlib.crc32(b"IHDR" + _IHDR))
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
TEXT = b"This is a plain text file pretending to be a PDF.\n"


@pytest.fixture
def media(settings, tmp_path, world) -> Path:
    """Uploads of the test land in ``tmp_path`` (after the world is built)."""
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _nothing_written(media: Path, evidence_rows: int) -> bool:
    return Evidence.objects.count() == evidence_rows and _files(media) == []


def _upload(world, role, entry, name: str, content: bytes, content_type="application/pdf"):
    return world.api(role).post(
        world.url(f"achievements/{entry.pk}/evidence/"),
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
        format="multipart",
    )


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("合同.pdf", PDF, "application/pdf"),
        ("现场照片.png", PNG, "image/png"),
        ("scan.txt", PDF, "application/pdf"),  # the name does not decide
        ("photo.pdf", PNG, "image/png"),
    ],
)
@pytest.mark.parametrize("role", ["officer", "manager", "admin"])
def test_real_pdf_and_png_are_accepted_by_content(world, media, role, name, content, mime):
    entry = make_entry(world, ["mine"])
    events = EntryEvent.objects.filter(entry=entry).count()
    response = _upload(world, role, entry, name, content, content_type="application/octet-stream")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["content_type"], body["original_name"], body["size"]) == (mime, name, len(content))
    evidence = Evidence.objects.get(entry=entry)
    assert evidence.pk == body["id"]
    assert evidence.content_type == mime
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.uploaded_by == world.users[role]
    (stored,) = _files(media)
    assert stored.read_bytes() == content
    assert name not in str(stored)  # files are stored under a random name
    event = EntryEvent.objects.filter(entry=entry).latest("id")
    assert EntryEvent.objects.filter(entry=entry).count() == events + 1
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        "evidence_added",
        world.users[role],
        "draft",
        "draft",
    )
    detail = world.api(role).get(world.url(f"achievements/{entry.pk}/")).json()
    assert [e["id"] for e in detail["evidence"]] == [evidence.pk]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("证明.pdf", TEXT),  # a text file named .pdf
        ("setup.pdf", EXE),  # an executable named .pdf
        ("setup.exe", EXE),
        ("empty.pdf", b""),
    ],
)
def test_bad_files_are_400_and_nothing_is_written(world, media, name, content):
    entry = make_entry(world, ["mine"])
    before = state(entry)
    rows = Evidence.objects.count()
    response = _upload(world, "officer", entry, name, content)
    assert response.status_code == 400, response.content
    assert response.json()["file"]  # a message on `file`
    assert state(entry) == before
    assert _nothing_written(media, rows)


def test_file_over_the_limit_is_400_and_at_the_limit_is_accepted(world, media, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    entry = make_entry(world, ["mine"])
    before = state(entry)
    rows = Evidence.objects.count()
    too_big = PDF + b"%" * (1025 - len(PDF))
    assert len(too_big) == 1025
    response = _upload(world, "officer", entry, "big.pdf", too_big)
    assert response.status_code == 400, response.content
    assert response.json()["file"]
    assert state(entry) == before
    assert _nothing_written(media, rows)

    response = _upload(world, "officer", entry, "ok.pdf", too_big[:1024])
    assert response.status_code == 201, response.content
    assert Evidence.objects.get(entry=entry).size == 1024


def test_officer_may_not_add_evidence_to_verified_entry(world, media):
    entry = make_entry(world, ["mine"], status="verified")
    before = state(entry)
    rows = Evidence.objects.count()
    response = _upload(world, "officer", entry, "late.pdf", PDF)
    assert response.status_code == 403, response.content
    assert state(entry) == before
    assert _nothing_written(media, rows)


@pytest.mark.parametrize("role", ["auditor", "reviewer"])
def test_auditor_and_reviewer_may_not_add_evidence(world, media, role):
    entry = make_entry(world, ["mine"])
    before = state(entry)
    rows = Evidence.objects.count()
    assert _upload(world, role, entry, "x.pdf", PDF).status_code == 403
    assert state(entry) == before
    assert _nothing_written(media, rows)


@pytest.mark.parametrize(("role", "credits"), [("officer", ["d1"]), ("manager", ["d2"])])
def test_evidence_on_entry_out_of_reach_is_404(world, media, role, credits):
    entry = make_entry(world, credits)
    before = state(entry)
    rows = Evidence.objects.count()
    assert _upload(world, role, entry, "x.pdf", PDF).status_code == 404
    assert state(entry) == before
    assert _nothing_written(media, rows)


def test_evidence_on_another_tenants_entry_is_404(world, other_world, media):
    entry = make_entry(other_world, ["mine"])
    before = state(entry)
    rows = Evidence.objects.count()
    assert _upload(world, "admin", entry, "x.pdf", PDF).status_code == 404
    assert state(entry) == before
    assert _nothing_written(media, rows)


def test_missing_file_is_400(world, media):
    entry = make_entry(world, ["mine"])
    before = state(entry)
    rows = Evidence.objects.count()
    response = world.api("officer").post(
        world.url(f"achievements/{entry.pk}/evidence/"), {}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()
    assert state(entry) == before
    assert _nothing_written(media, rows)
