import re

import pytest

from accounts.models import Address
from tests.factories import PASSWORD, AddressFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page, email):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.allauth-form button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))


def test_signup_and_login_pages_are_in_the_shops_look(page, screenshot):
    page.goto("/accounts/signup/")
    assert page.locator("h1").inner_text() == "Sign Up"
    assert page.locator("header .brand").is_visible()
    screenshot("accounts-signup")
    page.goto("/accounts/login/")
    assert page.locator("form.entrance-form").is_visible()
    screenshot("accounts-login")
    assert page.console_errors == []


def test_a_customer_manages_profile_addresses_and_security_from_the_account_page(page, screenshot):
    user = UserFactory(name="Ada Lovelace")
    AddressFactory(user=user, line1="1 Analytical Row")
    _sign_in(page, user.email)

    page.click("nav.nav >> text=Account")
    page.wait_for_url("**/account/")
    assert "1 Analytical Row" in page.locator(".address-list").inner_text()
    screenshot("accounts-account")

    page.click("text=Add an address")
    page.fill("input[name=recipient]", "Ada Lovelace")
    page.fill("input[name=line1]", "2 Difference Lane")
    page.fill("input[name=city]", "London")
    page.fill("input[name=postcode]", "N1 9GU")
    screenshot("accounts-address-form")
    page.click("text=Save address")
    page.wait_for_url("**/account/")
    assert Address.objects.filter(user=user).count() == 2

    page.click(".account-nav >> text=Email")
    page.wait_for_url("**/accounts/email/")
    assert user.email in page.locator("main").inner_text()
    screenshot("accounts-email")

    page.click(".account-nav >> text=Two-factor")
    page.wait_for_url("**/accounts/2fa/")
    screenshot("accounts-mfa-index")
    page.goto("/accounts/2fa/totp/activate/")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.allauth-form button[type=submit]")
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    assert page.locator("img.qr").is_visible()
    screenshot("accounts-mfa-setup")

    page.click(".account-nav >> text=Sessions")
    page.wait_for_url("**/accounts/sessions/")
    assert "Current" in page.locator("table").inner_text()
    screenshot("accounts-sessions")

    page.goto("/account/delete/")
    screenshot("accounts-delete")

    page.goto("/account/")
    page.click("text=Sign out everywhere")
    page.click("text=Yes, sign out everywhere")
    page.wait_for_url("**/accounts/login/")
    screenshot("accounts-after-logout-all")
    page.goto("/account/")
    assert "/accounts/login/" in page.url
    assert page.console_errors == []
