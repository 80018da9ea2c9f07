"""An e-mail address belongs to one account, whatever its case: the forms say so politely,
and the database holds it when two requests race past the forms' check."""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.forms import EMAIL_TAKEN, SettingsForm, SignUpForm

from .conftest import PASSWORD
from .test_admin import change_form

User = get_user_model()


def test_the_database_refuses_a_second_account_with_the_same_address_in_any_case(make_user):
    make_user("first", email="Shared@Example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("second", email="shared@example.org", password="x")
    assert not User.objects.filter(username="second").exists()


def test_accounts_without_an_address_are_not_counted_as_sharing_one(make_user):
    make_user("nobody1", email="")
    make_user("nobody2", email="")
    assert User.objects.filter(email="").count() == 2


def test_a_sign_up_that_loses_the_race_for_an_address_gets_the_message(client, db, monkeypatch):
    # Both requests passed the form's check; the other one was saved first.
    monkeypatch.setattr(SignUpForm, "clean_email", lambda form: form.cleaned_data["email"])
    User.objects.create_user("quicker", email="race@example.org", password="x")
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "slower",
            "email": "Race@example.org",
            "password1": "correct horse battery",
            "password2": "correct horse battery",
            "website": "",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"email": [EMAIL_TAKEN]}
    assert not User.objects.filter(username="slower").exists()


def test_a_settings_change_that_loses_the_race_gets_the_message(client, make_user, monkeypatch):
    rita = make_user("rita", email="rita@example.org")
    make_user("otto", email="otto@example.org")
    monkeypatch.setattr(SettingsForm, "clean_email", lambda form: form.cleaned_data["email"])
    client.force_login(rita)
    response = client.post(
        reverse("accounts:settings"),
        {
            "display_name": "",
            "bio": "",
            "email": "OTTO@example.org",
            "current_password": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert EMAIL_TAKEN in response.content.decode()
    rita.refresh_from_db()
    assert rita.email == "rita@example.org"


def test_the_admin_refuses_a_taken_address_with_a_message_not_an_error_page(client, roles):
    client.force_login(roles.admin)
    add = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcomer",
            "email": roles.reader.email.upper(),
            "usable_password": "false",
        },
    )
    assert add.status_code == 200
    assert EMAIL_TAKEN in add.content.decode()
    assert not User.objects.filter(username="newcomer").exists()

    other = roles.other
    edit = client.post(
        reverse("admin:auth_user_change", args=[other.pk]),
        change_form(other, other.profile) | {"email": roles.reader.email},
    )
    assert edit.status_code == 200
    assert EMAIL_TAKEN in edit.content.decode()
    other.refresh_from_db()
    assert other.email == "otto@example.org"
