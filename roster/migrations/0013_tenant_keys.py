"""Ready to shard by tenant (issue 16 item 6, docs/SCALING.md): every
tenant-owned table of roster gets UNIQUE (tenant_id, id), every foreign key
between two of them a composite twin (tenant_id, x_id) that the database
checks (PostgreSQL only: see liaison.sharding)."""

from django.db import migrations

from liaison.sharding import AddCompositeForeignKey, AddCompositeUnique


class Migration(migrations.Migration):
    # CREATE UNIQUE INDEX CONCURRENTLY cannot run inside a transaction
    atomic = False

    dependencies = [
        ("roster", "0012_officer_list_index_no_join_ordering"),
    ]

    operations = [
        AddCompositeUnique("roster_changerequest"),
        AddCompositeUnique("roster_district"),
        AddCompositeUnique("roster_hostassignment"),
        AddCompositeUnique("roster_nomination"),
        AddCompositeUnique("roster_notice"),
        AddCompositeUnique("roster_objection"),
        AddCompositeUnique("roster_officer"),
        AddCompositeUnique("roster_officergroup"),
        AddCompositeUnique("roster_officerrenewal"),
        AddCompositeUnique("roster_selectionround"),
        AddCompositeUnique("roster_unit"),
        # the tenant's twin of the single-column unique nomination_id
        AddCompositeUnique("roster_officerrenewal", ("tenant_id", "nomination_id")),
        AddCompositeForeignKey("roster_changerequest", "officer_id", "roster_officer"),
        AddCompositeForeignKey("roster_changerequest", "unit_id", "roster_unit"),
        AddCompositeForeignKey("roster_hostassignment", "officer_id", "roster_officer"),
        AddCompositeForeignKey("roster_hostassignment", "unit_id", "roster_unit"),
        AddCompositeForeignKey("roster_nomination", "round_id", "roster_selectionround"),
        AddCompositeForeignKey("roster_nomination", "unit_id", "roster_unit"),
        AddCompositeForeignKey("roster_nomination", "district_id", "roster_district"),
        AddCompositeForeignKey("roster_nomination", "notice_id", "roster_notice"),
        AddCompositeForeignKey("roster_nomination", "officer_id", "roster_officer"),
        AddCompositeForeignKey("roster_notice", "round_id", "roster_selectionround"),
        AddCompositeForeignKey("roster_objection", "notice_id", "roster_notice"),
        AddCompositeForeignKey("roster_objection", "nomination_id", "roster_nomination"),
        AddCompositeForeignKey("roster_officer", "district_id", "roster_district"),
        AddCompositeForeignKey("roster_officer", "unit_id", "roster_unit"),
        AddCompositeForeignKey("roster_officer", "replaces_id", "roster_officer"),
        AddCompositeForeignKey("roster_officergroup", "district_id", "roster_district"),
        AddCompositeForeignKey("roster_officergroup", "leader_id", "roster_officer"),
        AddCompositeForeignKey("roster_officergroup", "deputy_id", "roster_officer"),
        AddCompositeForeignKey("roster_officerrenewal", "officer_id", "roster_officer"),
        AddCompositeForeignKey("roster_officerrenewal", "nomination_id", "roster_nomination"),
        AddCompositeForeignKey("roster_unit", "district_id", "roster_district"),
    ]
