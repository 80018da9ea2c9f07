import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from .conftest import PASSWORD

User = get_user_model()
CHANGE = reverse("accounts:password_change")
RESET = reverse("accounts:password_reset")
NEW = "a brand new passphrase"


def reset_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


class TestPasswordChange:
    def test_it_needs_a_signed_in_user(self, client, db):
        response = client.get(CHANGE)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_it_changes_the_password_and_keeps_this_session(self, client, make_user):
        user = make_user("rita")
        client.force_login(user)
        response = client.post(
            CHANGE, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
        )
        assert response["Location"] == reverse("accounts:password_change_done")
        user.refresh_from_db()
        assert user.check_password(NEW)
        assert client.get(reverse("accounts:settings")).status_code == 200

    def test_it_signs_out_other_sessions(self, client, make_user):
        user = make_user("rita")
        elsewhere = Client()
        elsewhere.force_login(user)
        client.force_login(user)
        client.post(CHANGE, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
        assert elsewhere.get(reverse("accounts:settings")).status_code == 302

    def test_it_needs_the_old_password(self, client, make_user):
        user = make_user("rita")
        client.force_login(user)
        response = client.post(
            CHANGE, {"old_password": "guess", "new_password1": NEW, "new_password2": NEW}
        )
        assert response.status_code == 200
        assert "old_password" in response.context["form"].errors
        user.refresh_from_db()
        assert user.check_password(PASSWORD)

    def test_the_new_password_meets_the_validators(self, client, make_user):
        user = make_user("rita")
        client.force_login(user)
        response = client.post(
            CHANGE, {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"}
        )
        assert "new_password2" in response.context["form"].errors
        user.refresh_from_db()
        assert user.check_password(PASSWORD)

    def test_it_needs_a_csrf_token(self, make_user):
        user = make_user("rita")
        csrf_client = Client(enforce_csrf_checks=True)
        csrf_client.force_login(user)
        response = csrf_client.post(
            CHANGE, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW}
        )
        assert response.status_code == 403
        user.refresh_from_db()
        assert user.check_password(PASSWORD)


class TestPasswordReset:
    def test_the_mailed_link_sets_a_new_password_end_to_end(self, client, make_user, mailoutbox):
        user = make_user("rita", email="Rita@Example.org")
        response = client.post(RESET, {"email": "rita@example.org"})
        assert response["Location"] == reverse("accounts:password_reset_done")
        assert len(mailoutbox) == 1
        message = mailoutbox[0]
        assert message.to == ["Rita@example.org"]
        assert settings.SITE_NAME in message.subject

        link = reset_link(message)
        form_page = client.get(link, follow=True)
        assert form_page.context["validlink"] is True
        set_url = form_page.redirect_chain[-1][0]
        done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
        assert done["Location"] == reverse("accounts:password_reset_complete")
        user.refresh_from_db()
        assert user.check_password(NEW)

        # A link works once.
        again = client.get(link, follow=True)
        assert again.context["validlink"] is False
        assert b"This link no longer works" in again.content

    def test_an_unknown_address_gets_the_same_answer_and_no_mail(
        self, client, make_user, mailoutbox
    ):
        make_user("rita")
        known = client.post(RESET, {"email": "rita@example.org"})
        unknown = client.post(RESET, {"email": "nobody@example.org"})
        assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
        assert len(mailoutbox) == 1
        page = client.get(known["Location"])
        assert b"If an account uses the address" in page.content

    def test_an_inactive_account_gets_no_mail(self, client, make_user, mailoutbox):
        make_user("gone", is_active=False)
        client.post(RESET, {"email": "gone@example.org"})
        assert mailoutbox == []

    def test_a_forged_token_is_refused(self, client, make_user):
        user = make_user("rita")
        from django.utils.encoding import force_bytes
        from django.utils.http import urlsafe_base64_encode

        uid = urlsafe_base64_encode(force_bytes(user.pk))
        url = reverse("accounts:password_reset_confirm", args=[uid, "abc-123"])
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["validlink"] is False

    def test_requests_are_rate_limited(self, client, db, settings, mailoutbox):
        settings.AGORA_RATE_LIMITS = {**settings.AGORA_RATE_LIMITS, "password-reset": (2, 3600)}
        statuses = [client.post(RESET, {"email": "x@example.org"}).status_code for _ in range(3)]
        assert statuses == [302, 302, 429]

    @pytest.mark.parametrize("email", ["not an address", "", "a\x00b@example.org"])
    def test_a_bad_address_is_a_form_error(self, client, db, email, mailoutbox):
        response = client.post(RESET, {"email": email})
        assert response.status_code == 200
        assert "email" in response.context["form"].errors
        assert mailoutbox == []
