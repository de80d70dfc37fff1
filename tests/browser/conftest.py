"""Browser tests drive Debian's Chromium through Playwright against Django's live server."""

import os
import shutil

import pytest

from tests.factories import UserFactory

# pytest-playwright keeps an asyncio loop running; the ORM calls in test code are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "a long browser-test password"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


class BrowserProblems(list):
    """Console errors, page errors and CSP violations seen while a test ran."""

    def watch(self, page) -> None:
        page.on("console", lambda message: message.type == "error" and self.append(message.text))
        page.on("pageerror", lambda error: self.append(str(error)))
        page.on(
            "response",
            lambda response: (
                response.status >= 400 and self.append(f"{response.status} {response.url}")
            ),
        )


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def page_at(request, browser, live_server):
    """A logged-out page at desktop and phone widths; yields (page, problems)."""
    context = browser.new_context(viewport=request.param, base_url=live_server.url)
    page = context.new_page()
    problems = BrowserProblems()
    problems.watch(page)
    yield page, problems
    context.close()


@pytest.fixture
def browser_user(transactional_db):
    return UserFactory(username="browser", password=PASSWORD)


def log_in(page, username: str) -> None:
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Your network").wait_for()


def assert_fits_the_screen(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"
