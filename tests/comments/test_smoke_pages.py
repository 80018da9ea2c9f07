from django.urls import reverse


def test_every_discussion_page_answers_its_author(client_for, comment, article):
    client = client_for("author")
    for url in [
        article.get_absolute_url(),
        reverse("comments:permalink", args=[comment.pk]),
        reverse("comments:continue", args=[comment.pk]),
        reverse("comments:edit", args=[comment.pk]),
        reverse("comments:delete", args=[comment.pk]),
        reverse("comments:history", args=[comment.pk]),
        reverse("comments:notifications"),
        reverse("comments:article_feed", args=[article.slug]),
        reverse("comments:post", args=[article.slug]) + f"?parent={comment.pk}",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(article.get_absolute_url()).content.decode()
    assert f'id="c{comment.pk}"' in page and "<em>original</em>" in page
