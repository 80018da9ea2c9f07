"""Search results written in Python (search/rendering.py) read as the template rows they
replaced: the same elements, text and links, escaped the same way."""

import datetime

import pytest
from django.template import engines
from django.test.html import parse_html
from django.utils.safestring import mark_safe

from archive.models import DatePrecision
from comments.models import CommentStatus
from search.rendering import article_result, comment_result

from .conftest import add_comment, when

# The rows as templates wrote them before (templates/search/_article_result.html and
# _comment_result.html): the reference the Python rows are held to.
ARTICLE_TEMPLATE = """<article class="search-result">
  {% if article.kicker %}<p class="kicker">{{ article.kicker }}</p>{% endif %}
  <h2 class="search-result__title"><a href="{{ article.get_absolute_url }}">{{ article.title }}</a></h2>
  {% if article.dek %}<p class="dek">{{ article.dek }}</p>{% endif %}
  <p class="search-result__snippet">{{ snippet }}</p>
  <p class="meta">
    <a href="{{ article.source.get_absolute_url }}">{{ article.source.name }}</a>
    {% with authors=article.authors.all %}{% if authors %} · {% for author in authors %}<a href="{{ author.get_absolute_url }}">{{ author.name }}</a>{% if not forloop.last %}, {% endif %}{% endfor %}{% endif %}{% endwith %}
    {% if article.published %} · <a href="{{ article.date_archive_url }}"><time datetime="{{ article.published_iso }}">{{ article.published_display }}</time></a>{% endif %}
    {% if article.comment_count %} · {{ article.comment_count }} comment{{ article.comment_count|pluralize }}{% endif %}
  </p>
</article>"""  # noqa: E501

COMMENT_TEMPLATE = """<article class="search-result search-result--comment">
  <h2 class="search-result__title"><a href="{{ comment.get_absolute_url }}">{{ about.author }} on “{{ comment.article.title }}”</a></h2>
  {% if about.parent %}
    <p class="search-result__parent">In reply to {% if about.parent.author %}{{ about.parent.author }}: <q>{{ about.parent.excerpt }}</q>{% else %}a comment that is no longer shown{% endif %}</p>
  {% endif %}
  <p class="search-result__snippet">{{ snippet }}</p>
  <p class="meta">
    <a href="{{ comment.article.get_absolute_url }}">{{ comment.article.title }}</a>
    {% if comment.created %} · <time datetime="{{ comment.created|date:'c' }}">{{ comment.created|date:"j F Y" }}</time>{% endif %}
    {% if comment.is_featured %} · <span class="badge">Featured</span>{% endif %}
    {% if comment.status != "published" %} · <span class="badge badge--status">{{ comment.get_status_display }}</span>{% endif %}
  </p>
</article>"""  # noqa: E501

HOSTILE = '<script>alert("x")</script> & "quotes" \'too\''
SNIPPET = mark_safe("a <mark>ferry</mark> &amp; more")


def template(text: str, **context) -> str:
    return engines["django"].from_string(text).render(context)


def same(a: str, b: str) -> bool:
    # parse_html folds whitespace between elements, as the browser shows it.
    return parse_html(a) == parse_html(b)


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"kicker": "Transport", "dek": "A dek.", "comment_count": 1},
        {"kicker": HOSTILE, "dek": HOSTILE, "comment_count": 1234},
        {"published": None, "comment_count": 2},
        {"precision": DatePrecision.MONTH},
        {"precision": DatePrecision.YEAR},
    ],
)
@pytest.mark.parametrize("authors", [0, 1, 2])
def test_an_article_row_reads_as_the_template_wrote_it(
    make_article, make_author, make_source, extra, authors
):
    extra = dict(extra)
    count = extra.pop("comment_count", 0)
    article = make_article(
        HOSTILE if authors == 2 else "The ferry returns",
        source=make_source(HOSTILE if authors == 1 else "The Courier"),
        authors=tuple(make_author(name) for name in ["Mara Ellison", HOSTILE][:authors]),
        **extra,
    )
    article.comment_count = count
    ours = article_result(article, SNIPPET)
    theirs = template(ARTICLE_TEMPLATE, article=article, snippet=SNIPPET)
    assert same(ours, theirs), (ours, theirs)
    assert "<script>" not in ours


def test_an_article_row_takes_the_authors_from_the_prefetched_list(make_article, make_author):
    article = make_article("Ferry", authors=(make_author("Mara Ellison"),))
    article.author_list = []
    assert "Mara Ellison" not in article_result(article, SNIPPET)


@pytest.mark.parametrize(
    "case", ["reply", "hidden parent", "root", "featured", "pending", "hostile", "other zone"]
)
def test_a_comment_row_reads_as_the_template_wrote_it(make_article, settings, case):
    if case == "other zone":
        settings.TIME_ZONE = "Pacific/Auckland"
    article = make_article(HOSTILE if case == "hostile" else "The ferry returns")
    parent = add_comment(article, "The first word.", name="Old Sailor")
    comment = add_comment(
        article,
        "A reply about the ferry.",
        name=HOSTILE if case == "hostile" else "Maria",
        parent=None if case == "root" else parent,
        is_featured=case == "featured",
        status=CommentStatus.PENDING if case == "pending" else CommentStatus.PUBLISHED,
        created=when("2025-03-15") + datetime.timedelta(hours=11, minutes=59),
    )
    about = {"author": comment.archived_author_name, "parent": None}
    if case != "root":
        shown = case != "hidden parent"
        about["parent"] = {
            "author": (HOSTILE if case == "hostile" else "Old Sailor") if shown else "",
            "excerpt": "The first word." if shown else "",
            "url": parent.get_absolute_url(),
        }
    ours = comment_result(comment, SNIPPET, about)
    theirs = template(COMMENT_TEMPLATE, comment=comment, snippet=SNIPPET, about=about)
    assert same(ours, theirs), (ours, theirs)
    assert "<script>" not in ours
    if case == "other zone":
        assert "16 March 2025" in ours  # the date where the reader is, not UTC's 15th
