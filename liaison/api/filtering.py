"""The API's filter backend (issue 16 lists): django-filter's, skipped when
the request names none of the filterset's parameters."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend


def _names_a_filter(key: str, names) -> bool:
    """``key`` is a filter's parameter, or one of its widget's (a range's
    ``name_min``/``name_max``, ``name_after``/``name_before``, ``name_0``…):
    any key that starts with a filter's name and ``_`` counts, to be safe."""
    return any(key == name or key.startswith(f"{name}_") for name in names)


class QuietFilterBackend(DjangoFilterBackend):
    """:class:`DjangoFilterBackend`, but a request that names none of the
    filterset's parameters gets the queryset as it is, without building the
    filterset and its form (about 1 ms of a list's fixed cost). Same answer:
    django-filter leaves the queryset alone for an empty value, method
    filters included, and no filter of the project is required; a filter
    named in the query string goes through the whole backend (its
    validation, its 400)."""

    def filter_queryset(self, request, queryset, view):
        names = _parameters(view)
        if not any(_names_a_filter(key, names) for key in request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


def _parameters(view) -> list[str]:
    """The query parameters of the view's filters: its filterset's filters
    (declared and from ``Meta.fields``), or its ``filterset_fields`` (field
    names; their lookups' parameters start with them)."""
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class:
        return list(filterset_class.base_filters)
    return list(getattr(view, "filterset_fields", None) or ())
