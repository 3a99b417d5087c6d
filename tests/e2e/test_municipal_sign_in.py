"""Municipal sign-in in Chromium: the login screen offers the municipality's account, the
browser goes to the (test) identity provider and back, and the coordinator is signed in without
typing a password; a person without a Samlast account is told why, in Swedish."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import save_screenshot
from tests.oidc_provider import OidcProvider, Person

pytestmark = pytest.mark.e2e


@pytest.fixture
def provider():
    running = OidcProvider().start()
    yield running
    running.stop()


@pytest.fixture
def municipal(server_copy, provider):
    return server_copy(extra_env={
        "OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": provider.client_id,
        "OIDC_CLIENT_SECRET": provider.client_secret, "OIDC_PROVIDER_NAME": "Eslövs kommun",
        "OIDC_GROUP_ROLES": "samlast-samordnare=coordinator",
    })  # fmt: skip


def test_a_coordinator_signs_in_with_the_municipal_account(page, municipal, provider):
    provider.person = Person("sub-anna", "anna.berg@eslov.se", "Anna Berg", ["samlast-samordnare"])
    page.goto(municipal.url + "/")
    button = page.get_by_test_id("oidc-login")
    expect(button).to_have_text("Logga in med Eslövs kommun")
    expect(page.get_by_text("eller med användarnamn och lösenord")).to_be_visible()
    save_screenshot(page, "login-municipal.png")
    button.click()
    expect(page.get_by_test_id("role")).to_have_text("Samordnare")
    expect(page.get_by_text("Anna Berg")).to_be_visible()
    # The one-time code is gone from the address (and so from the history).
    assert "oidc_code" not in page.url


def test_a_person_without_an_account_is_told_why(page, municipal, provider):
    provider.person = Person("sub-x", "okand@eslov.se", "Okänd", ["annan-grupp"])
    page.goto(municipal.url + "/")
    page.get_by_test_id("oidc-login").click()
    expect(page.get_by_test_id("login-error")).to_have_text(
        "Ditt kommunkonto (okand@eslov.se) är inte kopplat till Samlast. "
        "Be samordnaren lägga upp dig med det användarnamnet."
    )
    assert "oidc_error" not in page.url
