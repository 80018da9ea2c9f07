from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest

from web.errors import UserFacingBadRequest


def paginate(request: HttpRequest, object_list, per_page: int) -> Page:
    """The requested page of `object_list`, with clear errors for a bad `page` parameter:
    400 for something that is not a page number, 404 for a page past the end."""
    raw = request.GET.get("page", "1").strip() or "1"
    if raw == "last":
        raw = "-1"
    try:
        number = int(raw)
    except ValueError:
        raise UserFacingBadRequest("The page must be a whole number, such as page=2.") from None
    paginator = Paginator(object_list, per_page, allow_empty_first_page=True)
    if number == -1:
        number = paginator.num_pages
    if number < 1 or number > paginator.num_pages:
        raise Http404(
            f"There is no page {number}: this list has {paginator.num_pages} "
            f"page{'s' if paginator.num_pages != 1 else ''}."
        )
    return paginator.page(number)
