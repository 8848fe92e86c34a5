"""The policy designer's page (issue 11), wired here with its what-if: the
preview of a new version reads the ranking and the assessment, which stand
above the accounts app that owns the page."""

from django.urls import path

from accounts.policy.views import PolicyDesignerView

from .policy_preview import policy_preview

urlpatterns: list = [
    path(
        "policy/designer/",
        PolicyDesignerView.as_view(whatif=policy_preview),
        name="policy-designer",
    ),
]
