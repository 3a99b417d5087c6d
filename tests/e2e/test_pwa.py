"""The PWA in headless Chromium against a real Flask server (see conftest.py)."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, login, save_screenshot

pytestmark = pytest.mark.e2e


def test_coordinator_sees_overview_with_counts(page, server):
    login(page, server, "coord")

    expect(page.get_by_role("heading", name="Översikt")).to_be_visible()
    expect(page.get_by_test_id("role")).to_have_text("Samordnare")
    expect(page.get_by_test_id("stat-delivery-points").locator(".stat-value")).to_have_text("2")
    expect(page.get_by_test_id("stat-suppliers").locator(".stat-value")).to_have_text("2")
    expect(page.get_by_test_id("stat-suppliers")).to_contain_text("lokala producenter: 1")
    expect(page.get_by_test_id("stat-vehicles").locator(".stat-value")).to_have_text("1")
    expect(page.get_by_test_id("stat-orders-today").locator(".stat-value")).to_have_text("1")
    expect(page.get_by_test_id("stat-orders-tomorrow").locator(".stat-value")).to_have_text("2")
    expect(page.get_by_test_id("api-docs")).to_have_attribute("href", "/api/docs")
    expect(page.get_by_test_id("offline")).to_be_hidden()


def test_wrong_password_shows_the_api_error(page, server, artifacts):
    page.goto(server.url + "/")
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator("#login-username-error")).to_have_text("Fyll i det här fältet.")
    expect(page.locator("#login-password-error")).to_have_text("Fyll i det här fältet.")

    page.get_by_label("Användarnamn").fill("coord")
    page.get_by_label("Lösenord", exact=True).fill("not the password")
    page.get_by_role("button", name="Logga in").click()

    expect(page.get_by_test_id("login-error")).to_have_text("Fel användarnamn eller lösenord.")
    expect(page.get_by_label("Lösenord", exact=True)).to_have_value("")
    page.screenshot(path=str(artifacts / "login-phone.png"), full_page=True)


def test_a_redraw_while_typing_the_password_loses_no_key(page, server):
    """The login screen asks whether municipal sign-in is offered and redraws when the answer
    comes. On a slow connection it comes while the password is being typed: before, the redraw
    took the focus from the field and the keys after it went nowhere (one CI run lost a whole
    password this way). The answer is held here until the first letters of the password are typed."""
    held = []
    page.route("**/api/v1/auth/oidc", lambda route: held.append(route))
    page.goto(server.url + "/")
    page.get_by_label("Användarnamn").fill("coord")
    page.get_by_label("Lösenord", exact=True).click()
    page.keyboard.type(PASSWORD[:4])
    page.evaluate("() => { document.querySelector('[data-testid=login-form]').dataset.before = '1'; }")
    assert len(held) == 1
    held[0].continue_()
    page.wait_for_function("() => !document.querySelector('[data-testid=login-form]').dataset.before")

    page.keyboard.type(PASSWORD[4:])
    expect(page.get_by_label("Lösenord", exact=True)).to_be_focused()
    expect(page.get_by_label("Lösenord", exact=True)).to_have_value(PASSWORD)
    save_screenshot(page, "login-typing-after-redraw-phone.png")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("role")).to_have_text("Samordnare")


def test_language_switch_to_english_persists_on_reload(page, server):
    page.goto(server.url + "/")
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()
    page.get_by_test_id("lang-en").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(page.get_by_label("Username")).to_be_visible()

    page.reload()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "en"

    page.get_by_label("Username").fill("coord")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.get_by_test_id("role")).to_have_text("Coordinator")

    page.get_by_test_id("lang-sv").click()
    expect(page.get_by_role("heading", name="Översikt")).to_be_visible()


def test_stays_logged_in_after_reload_and_can_log_out(page, server):
    login(page, server, "coord")
    expect(page.get_by_role("heading", name="Översikt")).to_be_visible()

    page.reload()
    expect(page.get_by_role("heading", name="Översikt")).to_be_visible()
    expect(page.get_by_test_id("user")).to_contain_text("coord")

    page.get_by_test_id("logout").click()
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Logga in")).to_be_visible()


def test_recipient_sees_only_own_delivery_point(page, server, artifacts):
    login(page, server, "kok-berga")

    expect(page.get_by_role("heading", name="Mina leveranser")).to_be_visible()
    points = page.get_by_test_id("delivery-point")
    expect(points).to_have_count(1)
    expect(points).to_contain_text("Bergaskolan kök")
    expect(points).to_contain_text("Måndag")
    expect(points).to_contain_text("06:30–10:30")
    expect(page.locator("main")).not_to_contain_text("Ljungbacka")

    deliveries = page.get_by_test_id("delivery")
    expect(deliveries).to_have_count(2)  # O-1 today, O-3 tomorrow; O-2 goes to another kitchen
    first = deliveries.first
    expect(first).to_contain_text("O-1")
    expect(first.get_by_test_id("delivery-status")).to_have_text("Inte planerad än")
    expect(first.locator(".temp-label")).to_have_text(["Fryst", "Kylt", "Torrt"])
    expect(first.locator('[data-temperature="frozen"]')).to_contain_text("Fiskpinnar")
    expect(page.locator(".day-label").first).to_have_text("I dag")
    page.screenshot(path=str(artifacts / "recipient-phone.png"), full_page=True)


def test_producer_sees_own_supplier_and_orders(page, server):
    login(page, server, "agarden")
    page.get_by_test_id("tab-orders").click()
    expect(page.get_by_test_id("supplier")).to_contain_text("Ågårdens potatis")
    expect(page.get_by_test_id("supplier")).to_contain_text("Lokal producent")
    expect(page.get_by_test_id("order")).to_have_count(2)
    expect(page.locator("main")).not_to_contain_text("Grossisten")


def test_driver_sees_an_honest_empty_route(page, server):
    login(page, server, "forare")
    expect(page.get_by_role("heading", name="Dagens rutt")).to_be_visible()
    expect(page.get_by_test_id("empty-state")).to_contain_text("Ingen planerad rutt i dag.")
    expect(page.get_by_test_id("stop")).to_have_count(0)


def test_app_shell_opens_offline_from_the_service_worker(page, own_server):
    server = own_server
    login(page, server, "kok-berga")
    expect(page.get_by_test_id("delivery-point")).to_contain_text("Bergaskolan kök")

    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    server.stop()

    page.reload()
    expect(page.get_by_role("heading", name="Mina leveranser")).to_be_visible()
    expect(page.get_by_test_id("offline")).to_be_visible()
    expect(page.get_by_test_id("offline")).to_contain_text("Ingen uppkoppling")
    # The last answers saved in IndexedDB are shown, marked as a saved copy.
    expect(page.get_by_test_id("saved-copy")).to_be_visible()
    expect(page.get_by_test_id("delivery-point")).to_contain_text("Bergaskolan kök")


def test_api_docs_render_with_the_bundled_redoc(page, server):
    """/api/docs loads ReDoc from /vendor/ and asks nothing of any other host (no CDN)."""
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    # Its own Content-Security-Policy (inline styles, a blob: worker): nothing it needs is blocked.
    blocked = []
    page.on("console", lambda message: "Content Security Policy" in message.text and blocked.append(message.text))
    page.set_viewport_size({"width": 1280, "height": 900})  # the side menu with the search
    page.goto(server.url + "/api/docs")
    expect(page.get_by_text("Samlast API").first).to_be_visible(timeout=20_000)
    page.wait_for_load_state("networkidle")
    # The search runs in ReDoc's blob: worker.
    page.get_by_placeholder("Search...").fill("login")
    expect(page.get_by_role("menuitem").filter(has_text="login").first).to_be_visible()
    save_screenshot(page, "api-docs.png")
    assert blocked == []
    assert server.url + "/vendor/redoc.standalone.js" in requests
    elsewhere = [url for url in requests if not url.startswith((server.url, "data:", "blob:"))]
    assert elsewhere == []


def test_manifest_service_worker_and_redoc_are_served(server):
    with urllib.request.urlopen(server.url + "/manifest.webmanifest") as response:
        manifest = json.loads(response.read())
    assert manifest["name"] == "Samlast"
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    with urllib.request.urlopen(server.url + "/sw.js") as response:
        assert response.headers["Cache-Control"] == "no-cache"
        assert b"index.html" in response.read()
    with urllib.request.urlopen(server.url + "/vendor/redoc.standalone.js") as response:
        assert response.status == 200
        assert b"Redoc" in response.read(200_000)


CONTRAST_JS = """
(selectors) => {
  const parse = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (rgb) => {
    const [r, g, b] = rgb.map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      if (bg && !bg.startsWith("rgba(0, 0, 0, 0)") && bg !== "transparent") return bg;
    }
    return "rgb(255, 255, 255)";
  };
  const out = {};
  for (const selector of selectors) {
    const el = document.querySelector(selector);
    if (!el) { out[selector] = null; continue; }
    const a = lum(parse(getComputedStyle(el).color)), b = lum(parse(background(el)));
    out[selector] = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }
  return out;
}
"""


def test_text_contrast_is_at_least_7_to_1(page, server):
    page.goto(server.url + "/")
    page.get_by_role("button", name="Logga in").click()  # show field errors too
    selectors = [
        "body",
        ".login .muted",
        "label",
        ".field-error",
        ".app-header h1",
        ".button-primary",
    ]
    ratios = page.evaluate(CONTRAST_JS, selectors)
    login(page, server, "kok-berga")
    expect(page.get_by_test_id("delivery").first).to_be_visible()
    more = [
        ".who-role",
        ".lang-button[aria-pressed='true']",
        ".temp-frozen .temp-label",
        ".temp-chilled .temp-label",
        ".temp-ambient .temp-label",
        ".day-label",
        ".line-qty",
    ]
    ratios |= page.evaluate(CONTRAST_JS, more)
    low = {selector: ratio for selector, ratio in ratios.items() if ratio is None or ratio < 7}
    assert not low, f"contrast below 7:1 (or element missing): {low}"


def test_touch_targets_are_at_least_48px(page, server):
    login(page, server, "coord")
    expect(page.get_by_role("heading", name="Översikt")).to_be_visible()
    small = page.evaluate(
        """() => [...document.querySelectorAll('button, a.button, input:not([type=checkbox])')]
            .map((el) => ({
              text: el.textContent.trim() || el.name,
              h: el.getBoundingClientRect().height,
            }))
            .filter((t) => t.h < 48)"""
    )
    assert small == []
