import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_loads_with_our_scripts_and_no_csp_violation(page, screenshot):
    response = page.goto("/")
    assert response.status == 200
    assert page.locator("h1").first.inner_text().startswith("Fresh from")
    page.wait_for_function("window.htmx !== undefined")
    screenshot("home")
    assert page.console_errors == []


def test_api_docs_render_from_our_own_static_files(page, screenshot):
    page.goto("/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Orderly API" in page.locator(".swagger-ui .info .title").inner_text()
    screenshot("api-docs")
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []

    assert page.locator(".swagger-ui .info a[href='/api/v1/docs/sign-in/']").count() == 1
    page.goto("/api/v1/docs/sign-in/")
    page.wait_for_selector(".swagger-ui .opblock-summary-path[data-path*='/auth/login']")
    screenshot("api-docs-sign-in")
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []


def test_not_found_page_is_in_the_shops_look(page, screenshot):
    response = page.goto("/no-such-page/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Not found"
    screenshot("404")
