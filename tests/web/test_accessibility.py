"""Accessibility of every tier's main pages, checked in the real browser in both languages
(issue 8: "labels, keyboard use and contrast fit for public-sector accessibility"; the rules
are WCAG 2.1 AA's, which GB/T 37668 follows):

- the page says its language (`<html lang>`), so a screen reader reads Chinese as Chinese;
- one `<h1>`, and every visible form field has a label a screen reader announces;
- every image says what it shows (`alt`);
- text contrasts with what is behind it at 4.5:1 (3:1 for large text);
- the keyboard reaches the page's content with Tab, and what has focus is visibly marked;
- at a phone's 360 px the page does not scroll sideways (wide tables scroll in their own box).
"""

from __future__ import annotations

import city_helpers as ch
import pytest
import web_helpers as h
from web_helpers import DESKTOP, PHONE

pytestmark = pytest.mark.browser

TOWNSHIP = "341102101000"

# One script, run on each page: what a user of assistive technology would meet.
AUDIT = """() => {
  const visible = (el) => {
    const s = getComputedStyle(el), r = el.getBoundingClientRect();
    return s.visibility !== 'hidden' && s.display !== 'none' && r.width > 0 && r.height > 0;
  };
  const rgba = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const behind = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3);
      if (getComputedStyle(e).backgroundImage !== 'none') return null;  // cannot tell
    }
    return [255, 255, 255];
  };
  const where = (el) => el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}.${el.className}`;
  const problems = [];
  if (document.querySelectorAll('h1').length !== 1) problems.push('not exactly one h1');
  for (const f of document.querySelectorAll('input, select, textarea')) {
    if (['hidden', 'submit', 'button', 'reset'].includes(f.type) || !visible(f)) continue;
    const named = f.labels.length || f.getAttribute('aria-label') ||
      f.getAttribute('aria-labelledby') || f.title;
    if (!named) problems.push(`field without a label: ${where(f)} name=${f.name}`);
  }
  for (const img of document.querySelectorAll('img, svg[role=img]')) {
    if (!img.hasAttribute('alt') && !img.getAttribute('aria-label'))
      problems.push(`image without alt: ${where(img)}`);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || seen.has(el) || !visible(el)) continue;
    seen.add(el);
    const s = getComputedStyle(el), fg = rgba(s.color), bg = behind(el);
    if (!bg || (fg.length === 4 && fg[3] < 0.9)) continue;
    const [a, b] = [lum(fg) + 0.05, lum(bg) + 0.05];
    const ratio = Math.max(a, b) / Math.min(a, b);
    const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    if (ratio < (large ? 3 : 4.5))
      problems.push(`contrast ${ratio.toFixed(2)} at ${where(el)}: "${n.textContent.trim().slice(0, 30)}"`);
  }
  return problems;
}"""

# The innermost elements reaching past the phone's edge, to name in a failure.
OVERFLOW = """() => [...document.querySelectorAll('main *')]
  .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter((e) => ![...e.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 5).map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}`)"""

FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const marked = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) ||
    s.boxShadow !== 'none';
  return {tag: el.tagName, marked, inMain: !!el.closest('main')};
}"""


def _audit(page, url: str, lang: str) -> list[str]:  # type: ignore[no-untyped-def]
    response = page.goto(f"{url}{'&' if '?' in url else '?'}lang={lang}")
    if response is None or response.status != 200:
        return [f"{url} [{lang}] answered {response and response.status}"]
    problems = [f"{url} [{lang}] {p}" for p in page.evaluate(AUDIT)]
    declared = page.locator("html").get_attribute("lang")
    if declared != ("zh-CN" if lang == "zh" else "en"):
        problems.append(f"{url} [{lang}] html lang is {declared!r}")
    return problems


def _keyboard(page, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Tab from the top: within 40 presses focus reaches the page's content (its first link,
    button or field in `<main>`), and every step on the way is visibly marked."""
    page.goto(url)
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS)
        if focused is None:
            continue
        if not focused["marked"]:
            return [f"{url}: focus on a {focused['tag']} is not visibly marked"]
        if focused["inMain"]:
            return []
    return [f"{url}: Tab never reached the page's content"]


def _phone(page, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    page.set_viewport_size(PHONE)
    try:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width <= PHONE["width"]:
            return []
        return [f"{url}: {width} px wide at 360 px, past the edge: {page.evaluate(OVERFLOW)}"]
    finally:
        page.set_viewport_size(DESKTOP)


def _tier(browser, base: str, pages: list[str], sign_in=None) -> list[str]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        if sign_in:
            sign_in(page)
        problems = []
        for path in pages:
            for lang in ("zh", "en"):
                problems += _audit(page, f"{base}{path}", lang)
            problems += _phone(page, f"{base}{path}")
        problems += _keyboard(page, f"{base}{pages[0]}")
        return problems
    finally:
        context.close()


def test_public_pages_meet_the_accessibility_rules(platform_pg, browser):  # type: ignore[no-untyped-def]
    city, town, village = (
        platform_pg.http(s) for s in ("city-center", "town-hall", "village-room")
    )
    problems = _tier(
        browser,
        city,
        [
            "/lookup",
            "/catalog",
            "/catalog/LY-0001",
            "/catalog/NJ-0001",
            "/complaints/new",
            "/complaints/follow",
            "/apply/sign-in",
        ],
    )
    problems += _tier(browser, village, ["/lookup"])
    problems += _tier(
        browser, town, [f"/townships/{TOWNSHIP}/report", f"/townships/{TOWNSHIP}/notices"]
    )
    assert problems == []


def test_staff_pages_meet_the_accessibility_rules(platform_pg, browser):  # type: ignore[no-untyped-def]
    city, town, village = (
        platform_pg.http(s) for s in ("city-center", "town-hall", "village-room")
    )
    secret = h.password(platform_pg)
    h.catalog_at_village(platform_pg)
    problems = _tier(
        browser,
        village,
        [
            "/duty",
            "/duty/apply",
            "/duty/cases",
            "/duty/mediations",
            "/duty/welfare",
            "/duty/proposals",
        ],
        lambda p: h.sign_in(p, village, secret),
    )
    problems += _tier(
        browser,
        town,
        [
            "/window/apply",
            "/window",
            "/window/cases",
            "/window/seasonal",
            "/window/reports",
            "/window/appointments",
        ],
        lambda p: h.sign_in_window(p, town, secret, "town.civil"),
    )
    problems += _tier(
        browser,
        city,
        ["/desk", "/desk/appointments", "/desk/hand-over"],
        lambda p: ch.sign_in(p, city, secret, "forestry.rep", "/desk"),
    )
    problems += _tier(
        browser,
        city,
        ["/console", "/console/staff", "/console/delegations", "/console/calendar"],
        lambda p: ch.sign_in(p, city, secret, "city.admin", "/console"),
    )
    problems += _tier(
        browser,
        city,
        ["/supervision", "/supervision/complaints", "/supervision/audit", "/appraisal"],
        lambda p: ch.sign_in(p, city, secret, "city.supervisor", "/supervision"),
    )
    assert problems == []
