"""The throughput bench's hello view is routed only by the bench's URLconf (bench/settings.py),
never by the site's."""

import pytest
from django.urls import NoReverseMatch, reverse


def test_the_bench_hello_view_is_routed_only_by_the_bench_urlconf(client, settings, db):
    with pytest.raises(NoReverseMatch):
        reverse("bench_hello")
    assert client.get("/__bench/hello").status_code == 404

    settings.ROOT_URLCONF = "bench.urls"
    assert reverse("bench_hello") == "/__bench/hello"
    response = client.get("/__bench/hello")
    assert response.status_code == 200 and response.content == b"hello"
    assert client.get(reverse("health")).status_code == 200  # the site's own URLs are there too


def test_the_bench_settings_are_the_sites_with_the_bench_urlconf():
    from bench import settings as bench_settings
    from config import settings as site_settings

    assert bench_settings.ROOT_URLCONF == "bench.urls"
    assert bench_settings.INSTALLED_APPS == site_settings.INSTALLED_APPS
    assert bench_settings.MIDDLEWARE == site_settings.MIDDLEWARE
