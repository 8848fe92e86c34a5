"""Words (issue 14): no untranslated string in either language.

1. The catalogue: every msgid the code and templates use is in
   ``locale/zh_Hans/LC_MESSAGES/django.po``, translated and not fuzzy
   (``makemessages`` into a temporary copy of the locale folder).
2. Rendered pages: every page every role can open, on a world whose data is
   ASCII only, shows no Chinese in English; on a world with Chinese data it
   shows no raw code (``close-notices``, ``from_year=2026``) and no English
   sentence of the catalogue in Chinese.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from contextlib import contextmanager
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from . import world as world_module
from .test_isolation import KWARGS, _kwargs, _walk
from .world import ROLES, build_world

pytestmark = pytest.mark.django_db

BASE = Path(settings.BASE_DIR)
PO = BASE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

sys.path.insert(0, str(BASE / "locale"))
import check_catalogue  # noqa: E402

#: Chinese characters and full-width punctuation.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")


# --- 1. the catalogue -----------------------------------------------------------------------


def _msgids(po: Path) -> dict[tuple[str | None, str], check_catalogue.Entry]:
    return {(e.msgctxt, e.msgid): e for e in check_catalogue.parse_po(po) if e.msgid}


def test_every_msgid_in_use_is_in_the_catalogue_and_translated(tmp_path):
    """``makemessages`` over the project into a scratch copy of the locale
    folder: no msgid it extracts may be missing from the committed
    catalogue, and the catalogue has no empty or fuzzy entry."""
    problems = check_catalogue.problems(check_catalogue.parse_po(PO))
    assert not problems, [f"{e.line}: {why}: {e.msgid!r}" for e, why in problems]
    project = tmp_path / "project"
    project.mkdir()
    for item in BASE.iterdir():
        if item.name in {".venv", ".git", "node_modules", "media", "static", "bench"}:
            continue
        if item.name.startswith("."):
            continue
        if item.name == "locale":
            shutil.copytree(item, project / "locale")
        else:
            (project / item.name).symlink_to(item)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--no-location",
            "-v0",
            "--symlinks",
            "--ignore=.venv",
            "--ignore=tests",
            "--ignore=*/tests/*",
            "--ignore=bench",
        ],
        cwd=project,
        check=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "liaison.settings.test",
            "PYTHONPATH": str(project),
        },
        timeout=120,
    )
    extracted = _msgids(project / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    committed = _msgids(PO)
    missing = sorted(
        (ctx or "") + "|" + msgid
        for (ctx, msgid) in extracted
        if (ctx, msgid) not in committed and not _translated_elsewhere(ctx, msgid)
    )
    assert not missing, "\n".join(missing)


def _translated_elsewhere(context: str | None, msgid: str) -> bool:
    """Whether Django's or a library's own catalogue translates ``msgid``
    (“This field is required.” is Django's: we do not override it)."""
    with translation.override("zh-hans"):
        if context is not None:
            return pgettext(context, msgid) != msgid
        return gettext(msgid) != msgid


# --- 2. rendered pages ----------------------------------------------------------------------


def _ascii(value):
    """``value`` with every Chinese run replaced by an ASCII token (the same
    run, the same token), through dicts and lists."""
    if isinstance(value, str):
        return CJK.sub(lambda m: "x" + hashlib.sha256(m.group().encode()).hexdigest()[:6], value)
    if isinstance(value, dict):
        return {k: _ascii(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_ascii(v) for v in value)
    return value


def _ascii_args(target):
    """``target`` called with its arguments made ASCII."""

    def call(*args, **kwargs):
        return target(*_ascii(args), **_ascii(kwargs))

    return call


class _AsciiProxy:
    """A module whose functions get their arguments made ASCII."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        target = getattr(self._module, name)
        if not callable(target) or isinstance(target, type):
            return target
        return _ascii_args(target)


@contextmanager
def _ascii_world_inputs(monkeypatch):
    """``build_world`` with every name, title and reason it passes in made
    ASCII, and the preset's labels (tenant data) too: whatever Chinese a
    page then shows in English comes from the code, not the data."""
    import accounts.services

    real_rules = accounts.services.preset_rules
    monkeypatch.setattr(accounts.services, "preset_rules", lambda name: _ascii(real_rules(name)))
    for name in (
        "tenant_create",
        "entry_create",
        "reference_create",
        "group_create",
        "change_request_file",
    ):
        monkeypatch.setattr(world_module, name, _ascii_args(getattr(world_module, name)))
    monkeypatch.setattr(world_module, "roster", _AsciiProxy(world_module.roster))
    monkeypatch.setattr(world_module, "workflow", _AsciiProxy(world_module.workflow))
    yield


#: Routes outside any page's words (they answer with a redirect).
SKIP = {"set_language", "logout"}
#: Pages the sweeps must reach (each role's main pages): a change that
#: drops one from the sweep fails the test instead of shrinking it.
MAIN_PAGES = {
    "home",
    "officer-list",
    "officer-detail",
    "entry-detail",
    "my-work",
    "review-queue",
    "ranking-page",
    "statement-page",
    "quota-list",
    "quota-detail",
    "agreement-list",
    "report-mine",
    "training-list",
    "service-day-list",
    "audit-list",
    "jobs",
    "notifications",
    "policy",
    "round-detail",
    "nomination-detail",
    "assessment-page",
    "member-list",
    "district-list",
}


def _pages(w) -> list[tuple[str, str]]:
    """(url name, path) of every tenant page that answers GET."""
    found = []
    for name, route, pattern in _walk(get_resolver().url_patterns):
        if not name or name.startswith("api:") or name in SKIP:
            continue
        cls = getattr(pattern.callback, "view_class", None)
        if cls is None or not hasattr(cls, "get"):
            continue
        args = [a for a in _kwargs(route) if a != "tenant_slug"]
        if "tenant_slug" not in _kwargs(route):
            continue
        kwargs = {"tenant_slug": w.tenant.slug}
        if args:
            if name not in KWARGS:
                continue
            kwargs.update(KWARGS[name](w))
        found.append((name, reverse(name, kwargs=kwargs)))
    return found


def _render_all(w, language: str):
    """(role, url name, html) of every page each role opens with a 200 HTML
    answer, in ``language``."""
    pages = _pages(w)
    rendered = set()
    for role in ROLES:
        client = Client()
        client.force_login(w.users[role])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for name, path in pages:
            response = client.get(path)
            if response.status_code != 200:
                continue
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            if getattr(response, "streaming", False):
                continue
            rendered.add(name)
            yield role, name, response.content.decode()
    assert MAIN_PAGES - rendered == set()


_HIDDEN = re.compile(r"<(script|style|template|textarea|select)\b.*?</\1>|<!--.*?-->", re.S | re.I)
#: A ``<code>`` element shows a code on purpose (the policy's Code column).
_CODE = re.compile(r"<code\b.*?</code>", re.S)
_SWITCHER = re.compile(r'<button[^>]*\blang="[^"]*"[^>]*>.*?</button>', re.S)
_SHOWN_ATTRIBUTES = re.compile(r'\b(?:title|placeholder|aria-label|alt)="([^"]*)"')


def visible_text(html: str, *, attributes: bool = True) -> str:
    """The words a reader sees: text outside tags, scripts and styles, and
    the attributes a reader sees (title, placeholder, aria-label, alt)."""
    html = _SWITCHER.sub(" ", _HIDDEN.sub(" ", html))
    shown = _SHOWN_ATTRIBUTES.findall(html) if attributes else []
    text = re.sub(r"<[^>]*>", " ", html)
    return unescape(" ".join([text, *shown]))


#: Chinese an English page may show: the sweep's own test data (made by
#: ``test_isolation.KWARGS``), and the column names of the Excel sheets the
#: portal reads or writes, which are Chinese in every language.
CHINESE_DATA = ("扫描培训", "扫描计划", "扫描", "派驻单位", "匹配需求", "匹配成果")
CHINESE_TOKENS = ("来源", "姓名", "手机号", "手机")


def test_english_pages_show_no_chinese(monkeypatch):
    with _ascii_world_inputs(monkeypatch):
        w = build_world("ascii")
    data = [*CHINESE_DATA, *CHINESE_TOKENS]
    found = {}
    for role, name, html in _render_all(w, "en"):
        text = " ".join(visible_text(html).split())
        for value in data:
            text = text.replace(value, " ")
        for match in CJK.finditer(text):
            context = text[max(0, match.start() - 30) : match.end() + 30]
            found.setdefault(name, {}).setdefault(match.group(), f"{role}: {context}")
    assert not found, _report(found)


#: English a Chinese page may show: product names, units and file types.
ALLOWED_WORDS = {
    "Excel",
    "API",
    "PDF",
    "WeCom",
    "DingTalk",
    "Token",
    "MP4",
    "Word",
    "PNG",
    "JPG",
    "MB",
    "KB",
    "ID",
    "URL",
    "QR",
    "HTTPS",
    "TOTP",
    "SHA-256",
    "sha256",
    "xlsx",
    "zip",  # issue 17: the tenant's data export
    "jiangan",  # the example of a district code in the district form's help
}
#: A raw code: ``close-notices``, ``from_year``, ``key=value``, or a lower
#: case English word standing alone (``city``, ``district``).
RAW_CODE = re.compile(
    r"(?<![\w@./:-])[a-z][a-z0-9]*(?:[_-][a-z0-9]+)+(?![\w@./-])|\b\w+=\S*|\b[a-z]{3,}\b"
)


def _catalogue_sentences() -> set[str]:
    """English msgids without placeholders: sentences and capitalised
    words of four letters or more (“Draft”, “Submit for review”)."""
    return {
        e.msgid
        for e in check_catalogue.parse_po(PO)
        if e.msgid
        and e.msgid not in ALLOWED_WORDS
        and (
            (re.fullmatch(r"[A-Za-z][A-Za-z ,.;:'’-]*[A-Za-z.]", e.msgid) and " " in e.msgid)
            or re.fullmatch(r"[A-Z][a-z]{3,}", e.msgid)
        )
    }


def test_chinese_pages_show_no_raw_code_and_no_english_sentence():
    w = build_world("zhwords")
    # test data: usernames, the slug, entry titles ("zhwords event"), files
    allowed = {u.username for u in w.users.values()} | {w.tenant.slug}
    allowed |= {e.title for e in w.entries.values()}
    alternatives = "|".join(
        re.escape(m) for m in sorted(_catalogue_sentences(), key=len, reverse=True)
    )
    sentences = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
    # a district is shown by its name, never its code (“d1”)
    codes = "|".join(re.escape(d.code) for d in w.districts.values())
    district_codes = re.compile(rf"(?<![\w-])(?:{codes})(?![\w-])")
    found = {}
    for role, name, html in _render_all(w, "zh-hans"):
        text = " ".join(visible_text(_CODE.sub(" ", html)).split())
        text = re.sub(r"\S+@\S+|https?://\S+|\S*/\S+|[\w.-]*\.(?:png|xlsx|docx|pdf)\b", " ", text)
        for word in sorted(allowed | ALLOWED_WORDS, key=len, reverse=True):
            text = text.replace(word, " ")
        hits = [(m.group(), m.start()) for m in RAW_CODE.finditer(text)]
        hits += [(m.group(), m.start()) for m in sentences.finditer(text)]
        hits += [(m.group(), m.start()) for m in district_codes.finditer(text)]
        for hit, at in hits:
            context = text[max(0, at - 40) : at + len(hit) + 20]
            found.setdefault(name, {}).setdefault(hit, f"{role}: {context}")
    assert not found, _report(found)


def _report(found: dict[str, dict[str, str]]) -> str:
    return "\n".join(
        f"{name}: {word!r} ({where})"
        for name, words in sorted(found.items())
        for word, where in words.items()
    )


# --- 3. words built from stored data ----------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "english", "chinese"),
    [
        ("推荐已创建。", "Nomination created.", "推荐已创建。"),
        ("Nomination created.", "Nomination created.", "推荐已创建。"),
        (
            "政策规则第2版自2026-01-01起生效。",
            "Policy version 2 takes effect on 2026-01-01.",
            "政策规则第2版自2026-01-01起生效。",
        ),
        (
            "公示：2026年度区派联络员选派",
            "Public notice: 2026 selection of 区派联络员",
            "公示：2026年度区派联络员选派",
        ),
        ("材料不实", "材料不实", "材料不实"),  # typed by a person: as it is
    ],
)
def test_a_stored_history_sentence_reads_in_the_readers_language(stored, english, chinese):
    from liaison.words import stored_text

    with translation.override("en"):
        assert stored_text(stored) == english
    with translation.override("zh-hans"):
        assert stored_text(stored) == chinese


def test_a_job_runs_detail_reads_as_words(world):
    from accounts.models import JobRun

    run = JobRun(tenant=world.tenant, name="rescore", detail={"from_year": 2026, "changed": 1})
    with translation.override("zh-hans"):
        assert (run.label, run.detail_text) == (
            "政策规则变更后重算已审核台账积分",
            "自 2026 年起 · 重算积分台账 1 条",
        )
    with translation.override("en"):
        assert run.detail_text == "from 2026 on · entries re-scored: 1"


def test_every_job_has_a_label():
    from accounts.choices import JOB_LABELS

    assert set(settings.CELERY_BEAT_SCHEDULE) - set(JOB_LABELS) == set()


def test_every_audited_object_type_has_a_label():
    from audit.choices import OBJECT_TYPE_LABELS
    from audit.triggers import classify

    audited, _unclassified = classify()
    assert {spec.object_type for spec in audited} - set(OBJECT_TYPE_LABELS) == set()
