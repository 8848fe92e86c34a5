"""Template tags of the list pages (issue 14 "Lists"), registered as the
``lists`` library in settings (``liaison`` is the project package, not an
app, so it has no ``templatetags`` folder).

``{% page_links page_obj %}`` renders numbered pagination: first, previous,
a window of page numbers with ellipses (``Paginator.get_elided_page_range``),
next, last and the total count. Every link keeps the current query string
(the filters) and replaces its ``page``, never repeats it."""

from __future__ import annotations

from django import template
from django.core.paginator import Page

register = template.Library()

# Pages shown on each side of the current one (wide screens); on phones only
# the neighbours next to the current page stay visible (``near``).
ON_EACH_SIDE = 2
ON_ENDS = 1


def _href(request, number: int) -> str:
    query = request.GET.copy() if request is not None else None
    if query is None:
        return f"?page={number}"
    query.pop("page", None)
    if number > 1:
        query["page"] = str(number)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.inclusion_tag("includes/page_links.html", takes_context=True)
def page_links(context, page_obj: Page | None = None):
    """The pagination bar of ``page_obj`` (defaults to the context's)."""
    page_obj = page_obj or context.get("page_obj")
    request = context.get("request")
    if page_obj is None:
        return {"page_obj": None}
    paginator = page_obj.paginator
    current = page_obj.number
    items = []
    for number in paginator.get_elided_page_range(
        current, on_each_side=ON_EACH_SIDE, on_ends=ON_ENDS
    ):
        if number == paginator.ELLIPSIS:
            items.append({"ellipsis": True})
            continue
        items.append(
            {
                "number": number,
                "href": _href(request, number),
                "current": number == current,
                # phones keep the current page, its neighbours and both ends
                "near": abs(number - current) <= 1 or number in (1, paginator.num_pages),
            }
        )
    return {
        "page_obj": page_obj,
        "paginated": paginator.num_pages > 1,
        "count": paginator.count,
        "items": items,
        "first_href": _href(request, 1),
        "last_href": _href(request, paginator.num_pages),
        "previous_href": _href(request, page_obj.previous_page_number())
        if page_obj.has_previous()
        else "",
        "next_href": _href(request, page_obj.next_page_number()) if page_obj.has_next() else "",
    }
