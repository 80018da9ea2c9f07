from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_safe

from archive.models import Article, Author
from comments.models import Comment, CommentStatus
from web.markup import markdown_text
from web.pagination import paginate
from web.permissions import can_moderate
from web.ratelimit import client_key, hit, too_many_requests

from . import engine, rendering
from .engine import CappedCount, RankedTiers
from .forms import TABS, SearchForm
from .query import Query, parse

PARENT_EXCERPT_CHARS = 140


@require_safe
def search(request: HttpRequest):
    verdict = hit("search", client_key(request))
    if not verdict.allowed:
        return too_many_requests(request, verdict, "searches")

    form = SearchForm(_without_nul(request.GET))
    form.is_valid()  # errors are shown beside the fields; bad values are left out
    moderator = can_moderate(request.user)
    query = parse(form.cleaned_data.get("q", ""), moderator=moderator)
    # An in: typed in the box wins over the tab the form was on.
    tab = query.scope or form.data.get("in") or "articles"
    if tab not in TABS:
        query.hints.append("in= takes articles or comments: showing articles")
        tab = "articles"
    sort = form.value("sort") or "relevance"

    context = {"form": form, "query": query, "tab": tab, "sort": sort, "tabs": TABS}
    if query.is_empty and not _has_filters(form):
        return render(request, "search/search.html", {**context, "page": None, "counts": {}})

    found = _found(form, query, sort, tab, request.user)
    per_page = settings.AGORA_ARTICLES_PER_PAGE
    page = paginate(request, found[tab], per_page)
    counts = {key: _count_label(results) for key, results in found.items()}
    rows = list(page)
    if tab == "articles":
        _with_authors(rows)
        snippets = engine.article_snippets([a.pk for a in rows], query)
        results = [(article, snippets[article.pk]) for article in rows]
        html = [rendering.article_result(*result) for result in results]
    else:
        snippets = engine.comment_snippets([c.pk for c in rows], query)
        results = [(c, snippets[c.pk], _context_of(c, moderator)) for c in rows]
        html = [rendering.comment_result(*result) for result in results]
    context.update(searched=True, page=page, results=results, rows=html, counts=counts)
    return render(request, "search/search.html", context)


@require_safe
def help_page(request: HttpRequest):
    return render(request, "search/help.html")


def _found(form: SearchForm, query: Query, sort: str, tab: str, viewer) -> dict[str, CappedCount]:
    """Each tab's results, capped for counting. Where the index can count a tab by itself,
    the tab not shown is only counted there: its results are not built at all."""
    filtered = _has_filters(form)
    count_from = {
        "articles": None if filtered else engine.article_count_source(query),
        "comments": None if filtered else engine.comment_count_source(query, viewer),
    }
    found = {}
    for key in TABS:
        if key != tab and count_from[key] is not None:
            found[key] = CappedCount(count_from[key])
        elif key == "articles":
            found[key] = CappedCount(
                _article_results(form, query, sort), count_from=count_from[key]
            )
        else:
            # Unlisted, it is only counted: its results need no order.
            comments = _comment_results(form, query, sort, viewer, listed=key == tab)
            found[key] = CappedCount(comments, count_from=count_from[key])
    return found


def _with_authors(articles: list[Article]) -> None:
    authors = Author.objects.lists_for([article.pk for article in articles])
    for article in articles:
        article.author_list = authors.get(article.pk, [])


def _count_label(found: CappedCount) -> str:
    return f"{found.count():,}+" if found.more else f"{found.count():,}"


def _without_nul(params: QueryDict) -> QueryDict:
    """NUL bytes can be neither stored nor searched; dropping them keeps the rest usable (a
    form field would reject the whole value)."""
    clean = QueryDict(mutable=True)
    for key, values in params.lists():
        clean.setlist(key, [value.replace("\x00", "") for value in values])
    return clean


def _has_filters(form: SearchForm) -> bool:
    return any(form.value(name) for name in ("source", "author", "date_from", "date_to"))


def _form_filters(form: SearchForm, *, source: str, author: str, date: str | None) -> Q:
    """The filters beside the box as one condition, given the paths to the results' source,
    author and date (None: the caller filters the dates itself)."""
    condition = Q()
    lookups = [("source", source), ("author", author)]
    if date:
        lookups += [("date_from", f"{date}__gte"), ("date_to", f"{date}__lte")]
    for name, lookup in lookups:
        if form.value(name):
            condition &= Q(**{lookup: form.value(name)})
    return condition


def _comment_days(form: SearchForm) -> Q:
    """The form's days for comments, compared as instants (from the first instant of the first
    day to before the first of the day after the last), as the query's after: and before:
    are: created__date made SQLite compute every candidate's date in a Python function."""
    condition = Q()
    if first := form.value("date_from"):
        start = engine.start_of(first)
        if start:
            condition &= Q(created__gte=start)
        elif first.year > 1:  # past the calendar's last instant: nothing comes after
            condition &= Q(pk__in=[])
    if last := form.value("date_to"):
        end = engine.start_of(last, days_later=1)
        if end:  # else the last day of the calendar: no end
            condition &= Q(created__lt=end)
    return condition


def _article_results(form: SearchForm, query: Query, sort: str) -> QuerySet | RankedTiers:
    filters = _form_filters(form, source="source__slug", author="authors", date="published")

    def narrow(qs: QuerySet) -> QuerySet:
        # The authors are read for the page's rows once they are known (_with_authors). The
        # page never shows bodies: the rows the database sorts carry only what it prints.
        return qs.for_results().filter(filters)

    if sort == "relevance" and query.must:
        return engine.articles_by_relevance(query, narrow, filtered=_has_filters(form))
    qs = narrow(engine.search_articles(Article.objects.all(), query))
    return qs.oldest() if sort == "oldest" else qs.newest()


def _comment_results(
    form: SearchForm, query: Query, sort: str, viewer, *, listed: bool = True
) -> QuerySet | engine.IndexRanked:
    qs = engine.search_comments(Comment.objects.all(), query, viewer).filter(
        _form_filters(form, source="article__source__slug", author="article__authors", date=None),
        _comment_days(form),
    )
    if not listed:
        return qs
    qs = _comment_rows(qs)
    if sort == "relevance" and query.must:
        unworded = engine.without_words(query)
        shown = _comment_rows(engine.search_comments(Comment.objects.all(), unworded, viewer))
        return engine.comments_by_relevance(qs, query, shown=shown, filtered=_has_filters(form))
    if sort == "oldest":
        return qs.order_by("created", "id")
    return qs.order_by("-created", "-id")


def _comment_rows(qs: QuerySet) -> QuerySet:
    """What a comment result shows: its article, its author and its parent's."""
    qs = qs.select_related("article", "user__profile", "parent__user__profile")
    return qs.defer(
        "body_html",
        "body_source",
        "article__body_html",
        "article__body_text",
        "parent__body_html",
    )


def display_name(comment: Comment) -> str:
    user = comment.user
    if user is None:
        return comment.archived_author_name or "Anonymous"
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile else "") or user.get_username()


def _context_of(comment: Comment, moderator: bool) -> dict:
    """What a comment result shows around it: who wrote it and what it answered."""
    parent = comment.parent
    context = {"author": display_name(comment), "parent": None}
    if parent is not None:
        shown = parent.status == CommentStatus.PUBLISHED or moderator
        context["parent"] = {
            "author": display_name(parent) if shown else "",
            "excerpt": (
                # Its opening only: the markup's patterns scan each line once per mark.
                engine.excerpt(
                    markdown_text(parent.body_source[: 2 * PARENT_EXCERPT_CHARS]),
                    PARENT_EXCERPT_CHARS,
                )
                if shown
                else ""
            ),
            "url": parent.get_absolute_url(),
        }
    return context
