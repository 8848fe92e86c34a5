"""API URL of the policy what-if (API.md ``policy/preview/``, issue 11),
wired here with the preview that reads the ranking and the assessment."""

from django.urls import path

from accounts.api.views import PolicyPreviewView

from ..policy_preview import policy_preview

urlpatterns: list = [
    path(
        "policy/preview/",
        PolicyPreviewView.as_view(preview=policy_preview),
        name="policy-preview",
    ),
]
