from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, render

from archive.models import Source

from . import charts, figures, tasks


def archive_statistics(request: HttpRequest):
    return _page(request, figures.cached(refresh=tasks.refresh_statistics.enqueue))


def source_statistics(request: HttpRequest, slug: str):
    source = get_object_or_404(Source, slug=slug)
    found = figures.cached(source, refresh=lambda: tasks.refresh_statistics.enqueue(source.pk))
    return _page(request, found)


def _page(request: HttpRequest, found: figures.Figures):
    over_time = [
        ("articles", found.articles, "Articles published"),
        ("comments", found.comments, "Comments written"),
        ("removed", found.removed_share, "Share of comments removed"),
    ]
    sections = [
        {
            "id": name,
            "heading": heading + (" per year" if series.by_year else " per month"),
            "series": series,
            "chart": charts.column_chart(series, f"chart-{name}"),
        }
        for name, series, heading in over_time
    ]
    sections.append(
        {
            "id": "reports",
            "heading": "Reports by reason",
            "series": found.reports,
            "chart": charts.bar_chart(found.reports, "chart-reports"),
        }
    )
    context = {
        "figures": found,
        "sections": sections,
        "cache_minutes": max(1, settings.AGORA_STATS_CACHE_SECONDS // 60),
    }
    return render(request, "stats/statistics.html", context)
