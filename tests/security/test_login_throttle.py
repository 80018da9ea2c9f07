"""Failed logins lock out a (username, address) pair — never a username on its own."""

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.contrib.auth.models import User

PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed


@pytest.fixture
def alice(db):
    return User.objects.create_user("alice", password=PASSWORD)


def login(client, username, password, ip):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def fail_until_locked(client, ip, times=3):
    return [login(client, "alice", "wrong", ip).status_code for _ in range(times)]


def test_repeated_failures_lock_that_address_and_username_out(client, alice):
    # The limit-th failure is itself answered with the lockout page.
    assert fail_until_locked(client, "203.0.113.7") == [200, 200, 429]
    locked = login(client, "alice", PASSWORD, "203.0.113.7")
    assert locked.status_code == 429, "even the right password is refused while locked"
    assert b"Too many failed log-ins" in locked.content
    assert int(locked["Retry-After"]) == 15 * 60
    assert "_auth_user_id" not in client.session


def test_the_same_username_still_logs_in_from_another_address(client, alice):
    fail_until_locked(client, "203.0.113.7")
    response = login(client, "alice", PASSWORD, "198.51.100.20")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_another_username_from_the_locked_address_is_not_refused(client, alice):
    User.objects.create_user("bob", password=PASSWORD)
    fail_until_locked(client, "203.0.113.7")
    assert login(client, "bob", PASSWORD, "203.0.113.7").status_code == 302


def test_after_the_cool_off_the_pair_may_log_in_again(client, alice, settings):
    fail_until_locked(client, "203.0.113.7")
    assert login(client, "alice", PASSWORD, "203.0.113.7").status_code == 429
    # Move the failures back in time past the cool-off, as if 16 minutes had passed.
    from django.utils import timezone

    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME * 1.1)
    assert login(client, "alice", PASSWORD, "203.0.113.7").status_code == 302


def test_an_administrator_can_lift_a_lockout(client, alice):
    fail_until_locked(client, "203.0.113.7")
    reset(ip="203.0.113.7", username="alice")
    assert login(client, "alice", PASSWORD, "203.0.113.7").status_code == 302


def test_a_success_before_the_limit_clears_the_count(client, alice):
    assert fail_until_locked(client, "203.0.113.7", times=2) == [200, 200]
    assert login(client, "alice", PASSWORD, "203.0.113.7").status_code == 302
    client.logout()
    assert fail_until_locked(client, "203.0.113.7", times=2) == [200, 200]


def test_code_that_logs_in_without_a_request_is_not_throttled(client, alice):
    # The test client's login() (and the shell) call authenticate() without a request; axes'
    # own backend would raise there. Ours passes them on to the password check.
    assert client.login(username="alice", password=PASSWORD)
    assert not client.login(username="alice", password="wrong")
