"""A tenant exported and imported under a new slug ranks, counts and reads
the same; a damaged file, an existing slug or an unknown tenant writes
nothing (API.md "Operations", issue 17 item 2)."""

from __future__ import annotations

import hashlib
import io
import json
import random
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Membership, Tenant, User
from audit.models import AuditEvent
from ledgers.demo import load_demo_ledgers
from ledgers.models import Evidence
from portability.registry import carried
from portability.services import ImportRefused, tenant_import, tenant_rows
from roster.models import Officer
from scoring.models import RankingSnapshot
from scoring.selectors import ranking_for, render_pools, statement_for, year_result
from scoring.services import ranking_finalize


def counts(tenant: Tenant) -> dict[str, int]:
    return {spec.label: tenant_rows(spec, tenant).count() for spec in carried()}


def everything() -> dict[str, int]:
    """Rows of every carried table, all tenants, and the users."""
    out = {spec.label: spec.model._base_manager.count() for spec in carried()}
    out["users"] = User.objects.count()
    out["tenants"] = Tenant.objects.count()
    return out


def officer_rows(pools: list[dict], officers: dict[int, int] | None = None) -> list:
    """The pools with each row's officer translated by ``officers``."""
    return [
        {
            **pool,
            "rows": [
                {**row, "officer": (officers or {}).get(row["officer"], row["officer"])}
                for row in pool["rows"]
            ],
        }
        for pool in pools
    ]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Files of each test in its own folder (set before the worlds are built)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def rich(world, other_world, settings, tmp_path):
    """The world's tenant with a year of demo ledger entries (verified,
    shared, scored), its 2025 ranking finalised, beside a second tenant."""
    load_demo_ledgers(tenant=world.tenant, rng=random.Random(2025))
    admin = Membership.objects.get(user=world.users["admin"])
    ranking_finalize(membership=admin, year=2025)
    return world


def export(slug: str, path: Path) -> dict:
    call_command("exporttenant", slug, "--out", str(path), stdout=io.StringIO())
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("manifest.json"))


@pytest.mark.django_db(transaction=False)
def test_round_trip_ranks_counts_and_reads_the_same(rich, other_world, tmp_path, settings):
    world = rich
    path = tmp_path / "alpha.zip"
    before = counts(world.tenant)
    manifest = export("alpha", path)

    assert set(manifest) >= {"tenant", "exported_at", "models", "sha256"}
    assert manifest["tenant"] == "alpha"
    assert {k: v for k, v in manifest["models"].items() if k != "accounts.user"} == before
    members = set(
        Membership.objects.filter(tenant=world.tenant).values_list("user__username", flat=True)
    )
    assert manifest["models"]["accounts.user"] == len(members) == 6  # five roles and the centre
    assert before["ledgers.entry"] > 100 and before["scoring.share"] > 100
    with zipfile.ZipFile(path) as archive:
        for name, digest in manifest["sha256"].items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == digest
        assert set(archive.namelist()) == {*manifest["sha256"], "manifest.json"}
        assert f"files/{world.evidence.file.name}" in manifest["sha256"]
        users = [json.loads(line) for line in archive.read("users.jsonl").splitlines()]
    assert {u["username"] for u in users} == members
    assert not any("password" in u for u in users)

    beta_before, beta_users = counts(other_world.tenant), User.objects.count()
    result = tenant_import(source=path, slug="gamma")
    gamma = Tenant.objects.get(slug="gamma")
    assert result.tenant == gamma
    assert (gamma.name, gamma.preset) == (world.tenant.name, world.tenant.preset)
    assert set(result.users_matched) == members
    assert result.users_created == []
    assert User.objects.count() == beta_users  # every user matched by username

    # counts per table; the audit log holds the history plus the import's rows
    after = counts(gamma)
    history = AuditEvent.objects.filter(tenant=gamma).exclude(request_id=result.request_id)
    assert history.count() == before["audit.auditevent"]
    assert {k: v for k, v in after.items() if k != "audit.auditevent"} == {
        k: v for k, v in before.items() if k != "audit.auditevent"
    }
    # the other tenant is untouched
    assert counts(other_world.tenant) == beta_before

    # the exported tenant's admin is the new tenant's admin, same username
    assert Membership.objects.get(tenant=gamma, user=world.users["admin"]).role == "admin"

    # the 2025 ranking: live draft and the finalised snapshot, officer by officer
    officers = result.ids["roster.officer"]
    assert officer_rows(render_pools(year_result(tenant=world.tenant, year=2025)), officers) == (
        render_pools(year_result(tenant=gamma, year=2025))
    )
    old_admin = Membership.objects.get(tenant=world.tenant, user=world.users["admin"])
    new_admin = Membership.objects.get(tenant=gamma, user=world.users["admin"])
    old, new = (
        ranking_for(membership=old_admin, year=2025),
        ranking_for(membership=new_admin, year=2025),
    )
    assert new["status"] == old["status"] == "final"
    assert new["finalized_at"] == old["finalized_at"]
    assert officer_rows(old["pools"], officers) == new["pools"]
    flat = [row for pool in new["pools"] for row in pool["rows"]]
    assert len(flat) == 4 and all(row["points"] != "0.00" for row in flat)
    assert {row["officer"] for row in flat} <= set(
        Officer.objects.filter(tenant=gamma).values_list("pk", flat=True)
    )
    snapshot = RankingSnapshot.objects.get(tenant=gamma, year=2025)
    assert snapshot.finalized_by == world.users["admin"]

    # statements equal, entries and credited officers translated
    entries = result.ids["ledgers.entry"]
    for officer in Officer.objects.filter(tenant=world.tenant):
        mine = statement_for(tenant=world.tenant, officer=officer, year=2025)
        copy = statement_for(
            tenant=gamma, officer=Officer.objects.get(pk=officers[officer.pk]), year=2025
        )
        mine["officer"] = officers[mine["officer"]]
        for line in mine["lines"]:
            line["entry"] = entries[line["entry"]]
            line["credited"] = [officers[o] for o in line["credited"]]
        assert copy == mine

    # the evidence file is copied, byte for byte, under the new row
    new_evidence = Evidence.objects.get(pk=result.ids["ledgers.evidence"][world.evidence.pk])
    assert new_evidence.entry.tenant == gamma
    with world.evidence.file.open("rb") as a, new_evidence.file.open("rb") as b:
        assert a.read() == b.read()

    # the audit history follows its objects to their new ids
    entry = world.entries["achievement"]
    old_history = AuditEvent.objects.filter(
        tenant=world.tenant, object_type="entry", object_id=str(entry.pk)
    )
    new_history = history.filter(object_type="entry", object_id=str(entries[entry.pk]))
    assert list(new_history.values_list("action", "at")) == list(
        old_history.values_list("action", "at")
    )


def test_import_creates_unknown_users_without_a_password(world, tmp_path, settings):
    path = tmp_path / "alpha.zip"
    export("alpha", path)
    User.objects.filter(username="alpha-auditor").update(username="alpha-auditor-renamed")
    result = tenant_import(source=path, slug="gamma")
    assert result.users_created == ["alpha-auditor"]
    created = User.objects.get(username="alpha-auditor")
    assert not created.has_usable_password()
    assert (created.is_staff, created.is_superuser) == (False, False)
    assert Membership.objects.get(tenant=result.tenant, user=created).role == "auditor"


# --- refusals: nothing written -----------------------------------------------------------


def _rewrite(path: Path, change) -> None:
    """Rewrite the zip with ``change(name, data) -> data | None`` (None drops)."""
    with zipfile.ZipFile(path) as archive:
        members = [(info.filename, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            data = change(name, data)
            if data is not None:
                archive.writestr(name, data)


def _flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("data/ledgers.entry.jsonl")
    header = info.header_offset  # a local header: 30 bytes, then the name and extra field
    name_length = int.from_bytes(data[header + 26 : header + 28], "little")
    extra_length = int.from_bytes(data[header + 28 : header + 30], "little")
    start = header + 30 + name_length + extra_length
    data[start + info.compress_size // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _edit_entry(name, data):
    return (
        data.replace(b"alpha achievement", b"alpha achievemenX") if "entry.jsonl" in name else data
    )


def _edit_manifest(name, data):
    if name != "manifest.json":
        return data
    manifest = json.loads(data)
    manifest["models"]["ledgers.entry"] += 1
    return json.dumps(manifest).encode()


def _drop_evidence(name, data):
    return None if name.startswith("files/") else data


CORRUPTIONS = {
    "flipped byte": _flip_byte,
    "changed row (checksum)": lambda p: _rewrite(p, _edit_entry),
    "edited manifest": lambda p: _rewrite(p, _edit_manifest),
    "dropped file": lambda p: _rewrite(p, _drop_evidence),
    "dropped manifest": lambda p: _rewrite(p, lambda n, d: None if n == "manifest.json" else d),
    "not a zip": lambda p: p.write_bytes(b"PK\x03\x04 not really a zip"),
    "unknown table": lambda p: _rewrite(
        p,
        lambda n, d: (
            d.replace(b'"accounts.jobrun"', b'"accounts.nosuch"') if n == "manifest.json" else d
        ),
    ),
}


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_a_damaged_file_writes_nothing(world, other_world, tmp_path, settings, corruption):
    path = tmp_path / "alpha.zip"
    export("alpha", path)
    CORRUPTIONS[corruption](path)
    before = everything()
    media = sorted(p for p in (tmp_path / "media").rglob("*") if p.is_file())
    with pytest.raises(CommandError):
        call_command("importtenant", str(path), "--slug", "gamma", stdout=io.StringIO())
    assert everything() == before
    assert sorted(p for p in (tmp_path / "media").rglob("*") if p.is_file()) == media
    assert not Tenant.objects.filter(slug="gamma").exists()


def test_an_existing_slug_is_refused(world, other_world, tmp_path, settings):
    path = tmp_path / "alpha.zip"
    export("alpha", path)
    before = everything()
    with pytest.raises(CommandError, match="beta"):
        call_command("importtenant", str(path), "--slug", "beta", stdout=io.StringIO())
    assert everything() == before


def test_a_failure_midway_rolls_back_rows_and_files(world, tmp_path, settings, monkeypatch):
    """A row refused after the files were copied: no row, no file left."""
    path = tmp_path / "alpha.zip"
    export("alpha", path)
    media = sorted(p for p in (tmp_path / "media").rglob("*") if p.is_file())
    before = everything()
    from portability import services

    original = services._Importer.table

    def failing(self, spec):
        if spec.label == "scoring.share":
            raise ImportRefused("stop")
        return original(self, spec)

    monkeypatch.setattr(services._Importer, "table", failing)
    with pytest.raises(ImportRefused):
        tenant_import(source=path, slug="gamma")
    assert everything() == before
    assert sorted(p for p in (tmp_path / "media").rglob("*") if p.is_file()) == media


def test_unknown_slug_exports_nothing(db, tmp_path):
    path = tmp_path / "nobody.zip"
    with pytest.raises(CommandError, match="nobody"):
        call_command("exporttenant", "nobody", "--out", str(path), stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []


def test_a_file_without_a_newer_table_imports(world, tmp_path):
    """A file written before a table existed (not in its manifest) imports:
    the table stays empty for the new tenant."""
    path = tmp_path / "alpha.zip"
    export("alpha", path)

    def older(name, data):
        if name == "data/accounts.tenantwebhook.jsonl":
            return None
        if name == "manifest.json":
            manifest = json.loads(data)
            del manifest["models"]["accounts.tenantwebhook"]
            del manifest["sha256"]["data/accounts.tenantwebhook.jsonl"]
            return json.dumps(manifest).encode()
        return data

    _rewrite(path, older)
    result = tenant_import(source=path, slug="gamma")
    assert result.ids["accounts.tenantwebhook"] == {}
    assert len(result.ids["roster.officer"]) == 4


def _lines(*args) -> list[str]:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.django_db(transaction=False)
def test_the_copy_digests_and_counts_as_the_original_without_ids(rich, tmp_path):
    """What ``.ci/import-fresh`` compares across installations, here within
    one: the ranking digest without officer ids, and the counts per table
    (the audit log gains the import's events)."""
    path = tmp_path / "alpha.zip"
    export("alpha", path)
    tenant_import(source=path, slug="gamma")

    with_ids = dict(line.split() for line in _lines("rankingdigest"))
    without = dict(line.split() for line in _lines("rankingdigest", "--no-ids"))
    assert with_ids["alpha"] != with_ids["gamma"]  # the copy's officers have new ids
    assert without["alpha"] == without["gamma"]
    assert without["alpha"] != without["beta"]

    alpha, gamma = _lines("tenantcounts", "alpha"), _lines("tenantcounts", "gamma")
    assert [line.split()[0] for line in alpha] == sorted(spec.label for spec in carried())
    assert dict(line.split() for line in alpha)["roster.officer"] == "4"
    assert int(dict(line.split() for line in alpha)["ledgers.entry"]) > 100
    audit = "audit.auditevent "
    assert [x for x in alpha if not x.startswith(audit)] == [
        x for x in gamma if not x.startswith(audit)
    ]
    with pytest.raises(CommandError, match="no tenant delta"):
        call_command("tenantcounts", "delta")
