"""Hardening (issue 10): no browsable API, a strict CSP with no inline style,
no-store on every download, files only through authenticated views, the
formula guard of exports, upload limits before reading, archive pre-scan,
405 on the public routes, and a header probe of the production settings."""

from __future__ import annotations

import importlib
import io
import re
import sys
import zipfile
from functools import cache
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload
from django.test import Client, RequestFactory, override_settings
from django.urls import clear_url_caches, get_resolver, reverse

from ledgers.models import Evidence
from ledgers.tests.conftest import make_entry, state
from liaison.excel import SheetWriter, safe_text, template_workbook, workbook_bytes
from liaison.security import LimitedUploadHandler, check_archive, upload_limit
from roster import imports
from roster.models import Officer

from .test_isolation import _walk, tenant_patterns, tenant_url
from .world import PASSWORD, PNG

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
MB = 2**20
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def media(settings, tmp_path, world) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def done_job(world):
    """The world's background export, run to the end (its file on disk)."""
    from scoring.tasks import run_export

    assert run_export(tenant_id=world.tenant.pk, job_id=world.export_job.pk) == "done"
    world.export_job.refresh_from_db()
    return world.export_job


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


# --- 1. no browsable API ---------------------------------------------------------------


def test_the_api_answers_json_to_a_browser(client, world):
    client.force_login(world.users["officer"])
    for accept in ("text/html", "text/html,application/xhtml+xml,*/*;q=0.8"):
        response = client.get(world.url("officers/"), HTTP_ACCEPT=accept)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert [o["full_name"] for o in response.json()["results"]] == ["张三"]
    assert client.get(world.url("officers/") + "?format=api").status_code == 404


def test_the_api_docs_page_still_works_with_no_inline_style(client):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<style" not in html and "style=" not in html
    assert '<link rel="stylesheet" href="/static/css/swagger.css">' in html
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


# --- 2. CSP and inline styles ----------------------------------------------------------


def _csp(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] for d in policy.split("; ")}


def test_the_csp_forbids_plugins_base_and_inline_style(client, world):
    client.force_login(world.users["admin"])
    csp = _csp(client.get(reverse("home", kwargs={"tenant_slug": "alpha"})))
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["style-src"] == "'self'"
    assert csp["script-src"] == "'self'"


def test_no_template_or_python_html_carries_an_inline_style_or_script():
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        if re.search(r"\sstyle\s*=|<style|<script(?![^>]*\bsrc=)(?![^>]*application/json)", text):
            offenders.append(str(path.relative_to(ROOT)))
    for app in ("accounts", "roster", "ledgers", "scoring", "liaison"):
        for path in (ROOT / app).rglob("*.py"):
            if "tests" in path.parts:
                continue
            if re.search(r"style=\\?[\"']|<style", path.read_text()):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_progress_bars_use_5_percent_classes(client, world):
    client.force_login(world.users["admin"])
    page = client.get(
        reverse("quota-detail", kwargs={"tenant_slug": "alpha", "pk": world.quota_report.pk})
    ).content.decode()
    steps = re.findall(r'class="progress-bar progress-step-(\d+) ', page)
    assert steps and all(0 <= int(s) <= 20 for s in steps)
    css = (ROOT / "static/css/portal.css").read_text()
    assert ".progress-bar.progress-step-0 { width: 0%; }" in css
    assert ".progress-bar.progress-step-13 { width: 65%; }" in css
    assert ".progress-bar.progress-step-20 { width: 100%; }" in css
    base = (ROOT / "templates/base.html").read_text()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in base


# --- 3. Cache-Control: no-store on every export and file download ----------------------

#: url name -> extra query string; every route named like an export is here
DOWNLOADS = {
    "officer-export": "",
    "ranking-page-export": "",
    "statement-export": "",
    "quota-export": "",
    "assessment-export": "",  # issue 12 grades
    "export-download": "",
    "evidence-download": "",
    "officer-import": "?template=1",
    "nomination-import": "?template=1",
    "api:ranking-export": "",
    "api:export-download": "",
    "audit-export": "",
    "officer-file-export": "",  # issue 13 the officer's file
    "api:officer-file-export": "",
    "ledger-export": "",  # issue 14
    "network-export": "",  # issue 15 province network
    "api:network-figures-export": "",
    "tenant-export-download": "",  # issue 17 the whole tenant
    "api:tenant-export-download": "",
}


def test_every_export_route_is_probed():
    names = {name for name, _route, _extra in tenant_patterns()}
    exports = {n for n in names if "export" in n and not n.endswith(("-page", "-list", "-detail"))}
    exports -= {"export-page", "export-verify", "api:export-verify"}  # uploads, not downloads
    assert exports | {"evidence-download"} <= set(DOWNLOADS), exports - set(DOWNLOADS)


@pytest.mark.parametrize("name", sorted(DOWNLOADS))
def test_downloads_are_never_stored(client, world, done_job, name):
    client.force_login(world.users["admin"])
    url = tenant_url(name, world.tenant.slug, world) + DOWNLOADS[name]
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"


def test_ordinary_pages_keep_their_caching(client, world):
    client.force_login(world.users["admin"])
    response = client.get(reverse("home", kwargs={"tenant_slug": "alpha"}))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Pragma" not in response


# --- 4. no /media/ route, even under DEBUG ---------------------------------------------


@pytest.fixture
def debug_urlconf(settings):
    """The root URLconf as ``make run`` builds it (DEBUG on at import)."""
    import liaison.urls

    settings.DEBUG = True
    importlib.reload(liaison.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(liaison.urls)
    clear_url_caches()


@pytest.mark.filterwarnings("ignore:Converter 'year' is already registered")
def test_media_files_are_not_served_even_under_debug(client, world, done_job, debug_urlconf):
    assert world.evidence.file.name.startswith(f"evidence/{world.tenant.pk}/")
    assert world.export_job.file.name.startswith(f"exports/{world.tenant.pk}/")
    routes = [route for _name, route, _p in _walk(get_resolver().url_patterns)]
    assert not [r for r in routes if "media" in r]
    client.force_login(world.users["admin"])
    for stored in (world.evidence.file.name, world.export_job.file.name):
        assert client.get(f"/media/{stored}").status_code == 404
    # the files themselves are there, only behind the checking views
    assert client.get(tenant_url("evidence-download", "alpha", world)).status_code == 200


def test_export_files_get_random_names(world, done_job):
    job = done_job
    assert job.filename == "ranking-alpha-2025-draft.xlsx"
    assert re.fullmatch(rf"exports/{world.tenant.pk}/[0-9a-f]{{32}}\.xlsx", job.file.name)


def test_export_files_are_only_for_their_owner_or_an_admin(client, world, done_job):
    client.force_login(world.users["auditor"])  # not the admin who asked for it
    assert client.get(tenant_url("export-download", "alpha", world)).status_code == 404
    assert (
        world.api("auditor").get(tenant_url("api:export-download", "alpha", world)).status_code
        == 404
    )


# --- 5. the formula guard --------------------------------------------------------------

GUARDED = [
    ("=1+1", "'=1+1"),
    ("+1", "'+1"),
    ("-1", "'-1"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("＝1+1", "'＝1+1"),
    ("＋86 138", "'＋86 138"),
    ("－2", "'－2"),
    ("＠cmd", "'＠cmd"),
    ("  =1+1", "'  =1+1"),
    ("\u3000＝HYPERLINK()", "'\u3000＝HYPERLINK()"),
    ("\t=1", "'\t=1"),
    ("\tplain", "'\tplain"),
    ("\rplain", "'\rplain"),
    ("\nplain", "'\nplain"),
    (" \n=cmd", "' \n=cmd"),
    ("张三", "张三"),
    ("a=b", "a=b"),
    ("1-2", "1-2"),
    ("", ""),
]


@pytest.mark.parametrize(("text", "expected"), GUARDED)
def test_safe_text(text, expected):
    assert safe_text(text) == expected


def test_exported_cells_read_back_neutralised_and_numbers_stay_numbers():
    book = template_workbook()
    sheet = SheetWriter(book, "t", heading="＝标题", columns=[("值", 10), ("数", 8)])
    for text, _expected in GUARDED:
        sheet.row([text, -3])
    sheet.close()
    ws = openpyxl.load_workbook(io.BytesIO(workbook_bytes(book))).worksheets[0]
    assert ws["A1"].value == "'＝标题"
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    # XML turns a CR into LF when the file is read back; an empty string is no cell
    assert [r[0] for r in rows] == [
        expected.replace("\r", "\n") or None for _text, expected in GUARDED
    ]
    assert {r[1] for r in rows} == {-3}
    assert ws["B3"].data_type == "n"
    assert all(ws.cell(row=i, column=1).data_type != "f" for i in range(1, ws.max_row + 1))


# --- 6. upload limits before reading ---------------------------------------------------


class _NoRead(io.RawIOBase):
    """A request body that records any attempt to read it."""

    reads = 0

    def read(self, *args):
        _NoRead.reads += 1
        return b""

    def readinto(self, buffer):  # pragma: no cover - never reached
        _NoRead.reads += 1
        return 0


def _huge_request(path: str):
    request = RequestFactory().post(
        path, {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")}, format="multipart"
    )
    request.META["CONTENT_LENGTH"] = str(300 * MB)
    _NoRead.reads = 0
    request._stream = _NoRead()
    return request


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        ("/t/alpha/entries/1/evidence/", 10 * MB),
        ("/api/v1/tenants/alpha/achievements/1/evidence/", 10 * MB),
        ("/t/alpha/officers/import/", 5 * MB),
        ("/t/alpha/selection/1/nominations/import/", 5 * MB),
        ("/t/alpha/somewhere/", 10 * MB),
    ],
)
def test_upload_limits_by_url(path, limit):
    assert upload_limit(path) == limit + 256 * 1024


def test_the_handler_refuses_a_300_mb_body_before_reading_it():
    request = _huge_request("/t/alpha/officers/import/")
    assert type(request.upload_handlers[0]) is LimitedUploadHandler
    assert (request.POST.dict(), dict(request.FILES)) == ({}, {})
    assert _NoRead.reads == 0
    assert request.upload_refused == "文件大小为 300.0 MB，超过了 5 MB 的上限。"


def test_the_handler_stops_a_stream_that_passes_the_limit(settings):
    settings.EVIDENCE_MAX_BYTES, settings.UPLOAD_SLACK_BYTES = 1000, 0
    request = RequestFactory().get("/t/alpha/entries/1/evidence/")
    handler = LimitedUploadHandler(request)
    assert handler.receive_data_chunk(b"x" * 600, 0) == b"x" * 600
    with pytest.raises(StopUpload) as stopped:
        handler.receive_data_chunk(b"x" * 600, 600)
    assert stopped.value.connection_reset is True
    assert request.upload_refused == "文件大小为 0.0 MB，超过了 0 MB 的上限。"


def test_small_uploads_stay_in_memory_and_larger_ones_stream_to_disk(settings):
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2621440  # 2.5 MiB
    assert settings.FILE_UPLOAD_HANDLERS == [
        "liaison.security.LimitedUploadHandler",
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    request = RequestFactory().post(
        "/t/alpha/entries/1/evidence/",
        {"file": SimpleUploadedFile("a.pdf", b"%PDF" + b"x" * 3 * MB)},
    )
    upload = request.FILES["file"]
    assert type(upload).__name__ == "TemporaryUploadedFile"
    assert upload.size == 4 + 3 * MB


def test_a_300_mb_evidence_upload_is_413_in_the_api_and_nothing_is_written(world, media):
    entry = make_entry(world, ["mine"])
    before = state(entry)
    response = world.api("officer").post(
        world.url(f"achievements/{entry.pk}/evidence/"),
        {"file": SimpleUploadedFile("big.pdf", b"%PDF-1.4")},
        format="multipart",
        CONTENT_LENGTH=str(300 * MB),
    )
    assert response.status_code == 413
    assert response.json() == {"file": ["文件大小为 300.0 MB，超过了 10 MB 的上限。"]}
    assert state(entry) == before
    assert Evidence.objects.filter(entry=entry).count() == 0
    assert _files(media) == []


def test_a_300_mb_evidence_upload_on_the_page_is_a_message(client, world, media):
    client.force_login(world.users["manager"])
    entry = world.entries["event"]
    detail = reverse("entry-detail", kwargs={"tenant_slug": "alpha", "pk": entry.pk})
    response = client.post(
        reverse("evidence-upload", kwargs={"tenant_slug": "alpha", "pk": entry.pk}),
        {"file": SimpleUploadedFile("签到表.png", PNG)},
        CONTENT_LENGTH=str(300 * MB),
        HTTP_REFERER=f"http://testserver{detail}",
    )
    assert (response.status_code, response["Location"]) == (302, f"http://testserver{detail}")
    page = client.get(detail)
    assert [str(m) for m in page.context["messages"]] == [
        "文件大小为 300.0 MB，超过了 10 MB 的上限。"
    ]
    assert not Evidence.objects.filter(entry=entry).exists()
    assert _files(media) == []


def test_a_300_mb_roster_import_is_refused_with_a_message(client, world):
    client.force_login(world.users["admin"])
    url = reverse("officer-import", kwargs={"tenant_slug": "alpha"})
    before = Officer.objects.count()
    response = client.post(
        url,
        {"file": SimpleUploadedFile("roster.xlsx", b"PK")},
        CONTENT_LENGTH=str(300 * MB),
        HTTP_REFERER=f"http://testserver{url}",
        follow=True,
    )
    assert response.redirect_chain == [(f"http://testserver{url}", 302)]
    assert "文件大小为 300.0 MB，超过了 5 MB 的上限。" in response.content.decode()
    assert Officer.objects.count() == before


def test_the_import_page_checks_size_before_reading(client, world, settings, monkeypatch):
    from django.core.files.uploadedfile import InMemoryUploadedFile

    settings.IMPORT_MAX_BYTES = 1000
    reads = []

    def spy(self):
        def read(*args):
            if type(self) is InMemoryUploadedFile:  # the server's copy, not the test's
                reads.append(args)
            return self.file.read(*args)

        return read

    monkeypatch.setattr(InMemoryUploadedFile, "read", property(spy), raising=False)
    client.force_login(world.users["admin"])
    response = client.post(
        reverse("officer-import", kwargs={"tenant_slug": "alpha"}),
        {"file": SimpleUploadedFile("roster.xlsx", b"PK\x03\x04" + b"x" * 2000)},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["文件大小超过 0 MB。"]}
    assert reads == []


# --- 7. archive pre-scan ---------------------------------------------------------------


@cache
def _bomb(size: int = 60 * MB, kind: str = "word") -> bytes:
    """A docx-shaped zip whose one big member is zeros (60 MB -> ~60 KB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr(f"{kind}/document.xml", b"\0" * size)
    return buffer.getvalue()


def _many_members(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for n in range(count):
            archive.writestr(f"xl/part{n}.xml", "<x/>")
    return buffer.getvalue()


TOO_BIG = "该文件解压后数据量过大（超过 50 MB）。"
TOO_DENSE = "该文件压缩比过高（超过 100 比 1），可能是压缩炸弹。"


def test_check_archive_messages():
    from django.core.exceptions import ValidationError

    def refusal(data, **kw):
        with pytest.raises(ValidationError) as raised:
            check_archive(io.BytesIO(data), **kw)
        return raised.value.message_dict

    assert len(_bomb()) < 200 * 1024
    assert refusal(_bomb()) == {"file": [TOO_BIG]}
    assert refusal(_bomb(12 * MB)) == {"file": [TOO_DENSE]}
    assert refusal(_many_members(2001)) == {"file": ["该文件包含的部件过多（超过 2000 个）。"]}
    assert refusal(b"PK\x03\x04 broken") == {"file": ["该文件不是可读取的压缩文件。"]}
    check_archive(io.BytesIO(_many_members(1999)))  # within every limit


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("报告.docx", _bomb(), TOO_BIG),
        ("报表.xlsx", _bomb(kind="xl"), TOO_BIG),
        ("报告.docx", _bomb(12 * MB), TOO_DENSE),
    ],
)
def test_a_zip_bomb_is_refused_as_evidence_and_nothing_is_written(
    world, media, name, data, message
):
    entry = make_entry(world, ["mine"])
    before = state(entry)
    response = world.api("officer").post(
        world.url(f"achievements/{entry.pk}/evidence/"),
        {"file": SimpleUploadedFile(name, data, content_type=DOCX)},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {"file": [message]}
    assert state(entry) == before
    assert Evidence.objects.count() == 1  # the world's own
    assert _files(media) == []


def test_a_real_docx_is_still_accepted(world, media):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", "<w:document>合同</w:document>" * 50)
    entry = make_entry(world, ["mine"])
    response = world.api("officer").post(
        world.url(f"achievements/{entry.pk}/evidence/"),
        {"file": SimpleUploadedFile("合同.docx", buffer.getvalue())},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == DOCX


@pytest.mark.parametrize(
    ("data", "message"), [(_bomb(kind="xl"), TOO_BIG), (_bomb(12 * MB, "xl"), TOO_DENSE)]
)
def test_a_zip_bomb_is_refused_on_import_and_nothing_is_written(client, world, data, message):
    from django.core.exceptions import ValidationError

    before = Officer.objects.count()
    with pytest.raises(ValidationError) as raised:
        imports.import_roster(membership=world.users["admin"].memberships.get(), data=data)
    assert raised.value.message_dict == {"file": [message]}
    client.force_login(world.users["admin"])
    response = client.post(
        reverse("officer-import", kwargs={"tenant_slug": "alpha"}),
        {"file": SimpleUploadedFile("名册.xlsx", data)},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [message]}
    assert Officer.objects.count() == before


def test_a_zip_bomb_is_refused_on_nomination_import(client, world):
    client.force_login(world.users["admin"])
    response = client.post(
        reverse("nomination-import", kwargs={"tenant_slug": "alpha", "pk": world.round.pk}),
        {"file": SimpleUploadedFile("推荐表.xlsx", _bomb(kind="xl"))},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [TOO_BIG]}


def test_no_xml_type_is_accepted_as_evidence():
    from ledgers.services.files import EVIDENCE_TYPES

    assert not [t for t in EVIDENCE_TYPES if t.endswith(("/xml", "+xml"))]


# --- 8. public routes: 405, never 500 --------------------------------------------------

METHODS = ("get", "post", "put", "patch", "delete")


def _public_routes(world) -> list[str]:
    urls = []
    for _name, route, _p in _walk(get_resolver().url_patterns):
        if "public/" not in route:
            continue
        url = "/" + route
        url = re.sub(r"<slug:slug>", world.tenant.slug, url)
        url = re.sub(r"<int:\w+>", "987654", url)
        url = re.sub(r"<(?:\w+:)?\w+>", "x", url)
        urls.append(url)
    return urls


def test_post_to_the_public_notice_list_is_405(client, world):
    for url in (
        f"/api/v1/public/{world.tenant.slug}/notices/",
        f"/public/{world.tenant.slug}/notices/",
    ):
        response = client.post(url, {})
        assert response.status_code == 405, url
        assert "POST" not in response["Allow"]


def test_every_public_route_answers_every_method_without_500(client, world):
    urls = _public_routes(world)
    assert len(urls) >= 6
    for url in urls:
        for method in METHODS:
            response = getattr(client, method)(url, content_type="application/json", data={})
            assert response.status_code < 500, (method, url, response.status_code)
            if method in ("put", "patch", "delete"):
                assert response.status_code == 405, (method, url, response.status_code)


# --- 9. a header probe of the production settings ---------------------------------------


@pytest.fixture
def production(monkeypatch):
    """What liaison.settings.production sets on top of base, applied to the
    test run (the test database and plain static storage kept)."""
    monkeypatch.setenv("SECRET_KEY", "p" * 50)
    monkeypatch.setenv("ALLOWED_HOSTS", "portal.example.gov.cn")
    sys.modules.pop("liaison.settings.production", None)
    prod = importlib.import_module("liaison.settings.production")
    base = importlib.import_module("liaison.settings.base")
    values = {
        k: getattr(prod, k)
        for k in dir(prod)
        if k.isupper() and getattr(base, k, object()) != getattr(prod, k)
    }
    values.pop("STORAGES")  # the manifest needs collectstatic
    sys.modules.pop("liaison.settings.production", None)
    assert prod.DEBUG is False and values["SECURE_SSL_REDIRECT"] is True
    with override_settings(**values):
        yield Client(HTTP_HOST="portal.example.gov.cn", HTTP_X_FORWARDED_PROTO="https", secure=True)


def _assert_hardened(response):
    csp = response["Content-Security-Policy"]
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_header_probe_of_the_production_settings(world, production):
    client = production
    assert (
        client.get("/accounts/login/", secure=False, HTTP_X_FORWARDED_PROTO="http")["Location"]
        == "https://portal.example.gov.cn/accounts/login/"
    )
    login_page = client.get("/accounts/login/")
    assert login_page.status_code == 200
    _assert_hardened(login_page)
    assert login_page.cookies["csrftoken"]["secure"] is True
    token = login_page.cookies["csrftoken"].value
    signed_in = client.post(
        "/accounts/login/",
        {"username": "alpha-admin", "password": PASSWORD, "csrfmiddlewaretoken": token},
        HTTP_REFERER="https://portal.example.gov.cn/accounts/login/",
    )
    assert signed_in.status_code == 302, signed_in.content[:300]
    session = signed_in.cookies["sessionid"]
    assert (session["secure"], session["httponly"]) == (True, True)
    page = client.get("/t/alpha/")
    assert page.status_code == 200
    _assert_hardened(page)
    api = client.get("/api/v1/tenants/alpha/districts/", HTTP_ACCEPT="text/html")
    assert api.status_code == 200
    assert api["Content-Type"] == "application/json"
    assert api.json()["count"] == 2
    _assert_hardened(api)
    language = client.post(
        "/i18n/setlang/", {"language": "en"}, HTTP_REFERER="https://portal.example.gov.cn/"
    )
    assert language.cookies["django_language"]["secure"] is True
    assert language.cookies["django_language"]["httponly"] is True
