"""Excel imports: an existing roster, and nominations from the nomination
form (推荐表). Every row is validated (with the same services users go
through) and reported with its row number; one bad row and nothing is
written. The file is checked before openpyxl opens it: size, that it is a
zip, the number of members, their uncompressed size and compression ratio
(zip bombs, liaison.security.check_archive); openpyxl parses the XML through
defusedxml (installed)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import openpyxl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.selectors import policy_in_force
from liaison.excel import SheetWriter, heading, template_workbook, workbook_bytes
from liaison.security import check_archive, is_zip

from . import workflow
from .models import District, SelectionRound, Unit
from .services import officer_create

MAX_MEMBERS = 200  # a workbook has a few dozen parts; other limits: ARCHIVE_* settings
MAX_ROWS = 5000


@dataclass
class ImportResult:
    created: int = 0
    checked: int = 0
    errors: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False
    kind: str = "text"  # text, date, int, bool


ROSTER_COLUMNS = [
    Column("full_name", "姓名", required=True),
    Column("category", "类别", required=True),
    Column("district", "所属区"),
    Column("unit", "派出单位"),
    Column("term_start", "任期开始", required=True, kind="date"),
    Column("term_end", "任期结束", required=True, kind="date"),
    Column("mobile", "手机"),
    Column("email", "邮箱"),
    Column("username", "登录名"),
]
NOMINATION_COLUMNS = [
    Column("full_name", "姓名", required=True),
    Column("gender", "性别"),
    Column("birth_date", "出生日期", kind="date"),
    Column("unit", "单位", required=True),
    Column("district", "所属区"),
    Column("position", "职务"),
    Column("social_position", "社会职务"),
    Column("title", "职称"),
    Column("degree", "学位"),
    Column("title_level", "职称级别"),
    Column("employer_since", "本单位入职日期", kind="date"),
    Column("park_years", "园区工作年限", kind="int"),
    Column("mobile", "手机", required=True),
    Column("office_phone", "办公电话"),
    Column("email", "邮箱"),
    Column("certificates", "资格证书"),
    Column("cv", "个人简历"),
]


def template(columns: list[Column], title: str, example: list) -> bytes:
    """An empty import template: title row, the header, one example row."""
    book = template_workbook()
    sheet = SheetWriter(
        book,
        title,
        heading=heading(title),
        columns=[(c.label + (" *" if c.required else ""), 14) for c in columns],
    )
    sheet.row(example)
    sheet.close()
    return workbook_bytes(book)


def roster_template() -> bytes:
    return template(
        ROSTER_COLUMNS,
        _("Roster import"),
        [
            "张三",
            "区派联络员",
            "洪山区",
            "武汉大学",
            dt.date(2026, 1, 1),
            dt.date(2027, 12, 31),
            "13800000000",
            "zhang@example.com",
            "",
        ],
    )


def nominations_template() -> bytes:
    return template(
        NOMINATION_COLUMNS,
        _("Nomination form"),
        [
            "李四",
            "男",
            dt.date(1985, 5, 1),
            "武汉大学",
            "",
            "科技处副处长",
            "",
            "高级工程师",
            "硕士",
            "高级",
            dt.date(2015, 7, 1),
            None,
            "13900000000",
            "027-12345678",
            "li@example.com",
            "技术经纪人",
            "长期从事科技成果转化工作。",
        ],
    )


def check_upload(upload) -> None:
    """An uploaded file, before it is read: its size, then the archive's
    directory (members, unpacked size, ratio), then that it is a workbook."""
    _check_stream(upload, upload.size)


def _check_file(data: bytes) -> None:
    _check_stream(io.BytesIO(data), len(data))


def _check_stream(stream, size: int) -> None:
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)d MB.") % {"mb": limit // 2**20}}
        )
    if not is_zip(stream) or not zipfile.is_zipfile(stream):
        raise ValidationError({"file": _("This is not an Excel .xlsx file.")})
    stream.seek(0)
    check_archive(stream, max_members=MAX_MEMBERS)
    with zipfile.ZipFile(stream) as archive:
        if "[Content_Types].xml" not in archive.namelist():
            raise ValidationError({"file": _("This is not an Excel .xlsx file.")})
    stream.seek(0)


def _cell(value, column: Column, errors: list, row: int):
    if value is None or (isinstance(value, str) and not value.strip()):
        if column.required:
            errors.append({"row": row, "field": column.label, "message": _("Required.")})
        return None
    if column.kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip().replace("/", "-"))
        except ValueError:
            errors.append(
                {"row": row, "field": column.label, "message": _("Write a date as 2026-01-31.")}
            )
            return None
    if column.kind == "int":
        try:
            return int(value)
        except (TypeError, ValueError):
            errors.append({"row": row, "field": column.label, "message": _("Write a number.")})
            return None
    return str(value).strip()


def _rows(data: bytes, columns: list[Column]) -> tuple[list[tuple[int, dict]], list[dict]]:
    """The data rows (under the title and header rows) as dicts, and the
    cell errors found on the way."""
    _check_file(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # any parse failure is the file's fault, reported plainly
        raise ValidationError(
            {"file": _("The workbook cannot be read: %(error)s") % {"error": type(exc).__name__}}
        ) from None
    sheet = book.worksheets[0]
    rows, errors = [], []
    for number, values in enumerate(sheet.iter_rows(min_row=3, values_only=True), start=3):
        if number - 2 > MAX_ROWS:
            raise ValidationError({"file": _("At most %(n)d rows per file.") % {"n": MAX_ROWS}})
        values = list(values) + [None] * len(columns)
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values[: len(columns)]):
            continue
        record = {c.key: _cell(values[i], c, errors, number) for i, c in enumerate(columns)}
        rows.append((number, record))
    book.close()
    if not rows and not errors:
        raise ValidationError({"file": _("The workbook has no data rows under the header.")})
    return rows, errors


def _lookup(tenant, model, value, *fields):
    if not value:
        return None
    for name in fields:
        found = model.objects.for_tenant(tenant).filter(**{name: value}).first()
        if found is not None:
            return found
    raise LookupError(value)


def _run(rows, errors, create: Callable[[int, dict], None], dry_run: bool) -> ImportResult:
    result = ImportResult(checked=len(rows), errors=list(errors))
    try:
        with transaction.atomic():
            for number, record in rows:
                try:
                    with transaction.atomic():
                        create(number, record)
                        result.created += 1
                except ValidationError as exc:
                    fields = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                    for name, messages in fields.items():
                        for message in messages:
                            result.errors.append({"row": number, "field": name, "message": message})
                except LookupError as exc:
                    result.errors.append(
                        {
                            "row": number,
                            "field": "",
                            "message": _("Unknown: %(value)s") % {"value": exc.args[0]},
                        }
                    )
            if result.errors or dry_run:
                raise _Rollback
    except _Rollback:
        if result.errors:
            result.created = 0
    return result


class _Rollback(Exception):
    """Leave the import's transaction without writing anything."""


def import_roster(*, membership: Membership, data: bytes, dry_run: bool = False) -> ImportResult:
    """Officers of an existing roster (admins)."""
    if membership.role != "admin":
        raise PermissionDenied(_("Only the centre imports a roster."))
    tenant = membership.tenant
    categories = {c["label"]: c["code"] for c in policy_in_force(tenant=tenant).rules["categories"]}
    rows, errors = _rows(data, ROSTER_COLUMNS)

    def create(number: int, r: dict) -> None:
        if any(e["row"] == number for e in errors):
            return
        officer_create(
            tenant=tenant,
            full_name=r["full_name"],
            category=categories.get(r["category"], r["category"]),
            district=_lookup(tenant, District, r["district"], "code", "name"),
            unit=_lookup(tenant, Unit, r["unit"], "name"),
            term_start=r["term_start"],
            term_end=r["term_end"],
            mobile=r["mobile"] or "",
            email=r["email"] or "",
            username=r["username"] or None,
        )

    return _run(rows, errors, create, dry_run)


def import_nominations(
    *, membership: Membership, round: SelectionRound, data: bytes, dry_run: bool = False
) -> ImportResult:
    """Nominations of a round from the nomination form, as drafts."""
    tenant = membership.tenant
    rows, errors = _rows(data, NOMINATION_COLUMNS)
    genders = {"男": "male", "女": "female", "male": "male", "female": "female"}
    # the form's words for the API codes, matched whole (never within a text)
    degrees = {"无": "none", "学士": "bachelor", "硕士": "master", "博士": "doctorate"}
    levels = {"无": "none", "初级": "junior", "中级": "intermediate", "副高": "senior"}
    levels.update({"高级": "senior", "正高": "senior"})

    def create(number: int, r: dict) -> None:
        if any(e["row"] == number for e in errors):
            return
        record = {k: v for k, v in r.items() if v is not None}
        record["unit"] = _lookup(tenant, Unit, r["unit"], "name")
        record["district"] = _lookup(tenant, District, r["district"], "code", "name")
        record["gender"] = genders.get(r.get("gender") or "", "")
        for key, words in (("degree", degrees), ("title_level", levels)):
            value = (r.get(key) or "").strip()
            record[key] = words.get(value, value)
        workflow.nomination_create(membership=membership, round=round, data=record)

    return _run(rows, errors, create, dry_run)
