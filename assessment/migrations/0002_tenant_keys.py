"""Ready to shard by tenant (issue 16 item 6, docs/SCALING.md): every
tenant-owned table of assessment gets UNIQUE (tenant_id, id), every foreign key
between two of them a composite twin (tenant_id, x_id) that the database
checks (PostgreSQL only: see liaison.sharding)."""

from django.db import migrations
from django.db import models

from liaison.sharding import AddCompositeForeignKey, AddCompositeUnique, ReplaceUniqueConstraint


class Migration(migrations.Migration):
    # CREATE UNIQUE INDEX CONCURRENTLY cannot run inside a transaction
    atomic = False

    dependencies = [
        ("assessment", "0001_assessment_rows"),
        ("roster", "0013_tenant_keys"),
    ]

    operations = [
        AddCompositeUnique("assessment_assessmentmark"),
        AddCompositeUnique("assessment_assessmentresult"),
        AddCompositeUnique("assessment_assessmentyear"),
        AddCompositeUnique("assessment_districtopinion"),
        AddCompositeUnique("assessment_gradedecision"),
        AddCompositeUnique("assessment_rating"),
        AddCompositeUnique("assessment_ratingrequest"),
        # the tenant's twin of the single-column unique request_id
        AddCompositeUnique("assessment_rating", ("tenant_id", "request_id")),
        # the tenant's twin of the single-column unique token_digest
        AddCompositeUnique("assessment_ratingrequest", ("tenant_id", "token_digest")),
        ReplaceUniqueConstraint(
            "assessmentresult",
            "assessmentresult_unique",
            models.UniqueConstraint(fields=["tenant", "assessment_year", "officer"], name="assessmentresult_unique_tenant"),
        ),
        AddCompositeForeignKey("assessment_assessmentmark", "officer_id", "roster_officer"),
        AddCompositeForeignKey("assessment_assessmentresult", "assessment_year_id", "assessment_assessmentyear"),
        AddCompositeForeignKey("assessment_assessmentresult", "officer_id", "roster_officer"),
        AddCompositeForeignKey("assessment_districtopinion", "officer_id", "roster_officer"),
        AddCompositeForeignKey("assessment_gradedecision", "officer_id", "roster_officer"),
        AddCompositeForeignKey("assessment_rating", "request_id", "assessment_ratingrequest"),
        AddCompositeForeignKey("assessment_ratingrequest", "officer_id", "roster_officer"),
    ]
