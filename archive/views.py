from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404, render

from comments.discussion import discussion_context, render_discussion, with_reader_state
from web.pagecache import fragment
from web.pagination import paginate

from . import calendar
from .filters import ArticleFilter
from .models import Article, Author, Source


def home(request: HttpRequest):
    latest = Article.objects.for_listing().newest()[:8]
    discussed = Article.objects.for_listing().with_discussion().most_discussed()[:5]
    # Counting every article by source is the page's one costly query: kept until a change.
    sources = fragment(
        "home:sources",
        lambda: list(
            Source.objects.with_stats().filter(article_count__gt=0).order_by("-article_count")[:12]
        ),
    )
    return render(
        request,
        "archive/home.html",
        {"latest": latest, "discussed": discussed, "sources": sources},
    )


def article_list(request: HttpRequest):
    filterset = ArticleFilter(request.GET or None, queryset=Article.objects.for_listing())
    if filterset.is_bound and not filterset.is_valid():
        # Show the form with its messages and no rows: a wrong filter matches nothing.
        return render(
            request,
            "archive/article_list.html",
            {"filter": filterset, "page": None, "total": 0},
            status=400,
        )
    if filterset.is_bound:
        articles = filterset.sorted_qs()
    else:
        articles = Article.objects.for_listing().newest()
    page = paginate(request, articles, settings.AGORA_ARTICLES_PER_PAGE)
    return render(
        request,
        "archive/article_list.html",
        {"filter": filterset, "page": page, "total": page.paginator.count},
    )


def article_detail(request: HttpRequest, slug: str):
    articles = Article.objects.select_related("source").prefetch_related("authors")
    article = get_object_or_404(with_reader_state(articles, request.user), slug=slug)
    context = {"article": article, **discussion_context(request, article)}
    return render_discussion(request, "archive/article_detail.html", context)


def source_list(request: HttpRequest):
    sources = fragment("sources:all", lambda: list(Source.objects.with_stats().order_by("name")))
    return render(request, "archive/source_list.html", {"sources": sources})


def source_detail(request: HttpRequest, slug: str):
    source = get_object_or_404(Source.objects.with_stats(), slug=slug)
    articles = Article.objects.for_listing().filter(source=source).newest()
    page = paginate(request, articles, settings.AGORA_ARTICLES_PER_PAGE)
    return render(request, "archive/source_detail.html", {"source": source, "page": page})


def author_detail(request: HttpRequest, slug: str):
    author = get_object_or_404(Author.objects.annotate(article_count=Count("articles")), slug=slug)
    articles = Article.objects.for_listing().filter(authors=author).newest()
    page = paginate(request, articles, settings.AGORA_ARTICLES_PER_PAGE)
    return render(request, "archive/author_detail.html", {"author": author, "page": page})


def date_index(request: HttpRequest):
    years = fragment("archive:years", calendar.years)
    return render(request, "archive/date_index.html", {"years": years})


def year_archive(request: HttpRequest, year: int):
    return _period_page(request, calendar.Period.of(year))


def month_archive(request: HttpRequest, year: int, month: int):
    return _period_page(request, calendar.Period.of(year, month))


def _period_page(request: HttpRequest, period: calendar.Period | None):
    if period is None:
        raise Http404("No such year or month.")
    articles = period.articles().for_listing()
    page = paginate(request, articles.newest(), settings.AGORA_ARTICLES_PER_PAGE)
    context = {
        "period": period,
        "page": page,
        "previous": period.previous(),
        "next": period.next(),
    }
    if period.month is None:
        context["months"], context["year_only"] = calendar.months(period.year)
    return render(request, "archive/date_archive.html", context)
