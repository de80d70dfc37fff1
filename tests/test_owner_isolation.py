"""Every URL of the project, tried as another user and logged out.

The walk covers URLs added later without editing this file: a URL parameter named
`<model>_id` is filled with an object of that model owned by the owner, made by
`tests.factories.<Model>Factory`; an intruder must get a 404 and change nothing.
"""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests import factories

# URLs anyone may open without logging in.
PUBLIC_URL_NAMES = {"login", "healthz"}
MARKER = "Zanzibar-Marker-7"


def _walk(resolvers, namespace=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            child = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, child)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", list(entry.pattern.converters)


ALL_URLS = sorted(_walk(get_resolver().url_patterns))
PRIVATE_URLS = [(name, parameters) for name, parameters in ALL_URLS if name not in PUBLIC_URL_NAMES]


def _model_for(parameter: str):
    name = parameter.removesuffix("_id")
    for model in apps.get_models():
        if model._meta.model_name == name:
            return model
    raise AssertionError(f"URL parameter {parameter!r} should be named <model>_id")


def _object_of(owner, parameter: str):
    model = _model_for(parameter)
    factory = getattr(factories, f"{model.__name__}Factory", None)
    assert factory, f"add {model.__name__}Factory to tests/factories.py"
    return factory(owner=owner)


def _owner_data(owner) -> None:
    """Something of every kind, each carrying MARKER where the model has a name."""
    contact = factories.ContactFactory(
        owner=owner, full_name=f"{MARKER} Contact", stands_for=MARKER
    )
    factories.TagFactory(owner=owner, name=f"{MARKER}-tag").contacts.add(contact)
    event = factories.EventFactory(owner=owner, name=f"{MARKER} Event")
    factories.InteractionFactory(owner=owner, contact=contact, event=event, note=MARKER)
    factories.InvitationFactory(owner=owner, name=f"{MARKER} Inviter", contact=contact)
    factories.FollowUpFactory(owner=owner, contact=contact, note=MARKER)
    factories.ImportRunFactory(owner=owner, original_name=f"{MARKER}.zip")
    factories.DeclineMessageFactory(owner=owner, title=MARKER, text=MARKER, is_default=True)
    factories.IntroductionRequestFactory(
        owner=owner, requester=contact, target=factories.ContactFactory(owner=owner), reason=MARKER
    )
    factories.ReviewFactory(owner=owner, finished_at=timezone.now(), accepted=7)


@pytest.mark.parametrize(("name", "parameters"), ALL_URLS, ids=[name for name, _ in ALL_URLS])
def test_another_user_never_sees_or_changes_the_owners_objects(
    client, owner, other_user, name, parameters
):
    _owner_data(owner)
    kwargs = {parameter: _object_of(owner, parameter).pk for parameter in parameters}
    url = reverse(name, kwargs=kwargs)
    client.force_login(other_user)

    response = client.get(url)
    if parameters:
        if response.status_code == 405:  # a POST-only action
            response = client.post(url)
        assert response.status_code == 404, f"{url} answered {response.status_code} to another user"
        for parameter, pk in kwargs.items():
            assert _model_for(parameter).objects.filter(pk=pk).exists(), (
                f"{url} deleted the owner's object"
            )
    else:
        assert response.status_code in {200, 302, 405}, f"{url} answered {response.status_code}"
        body = b"".join(response) if response.streaming else response.content
        assert MARKER not in body.decode(), f"{url} shows the owner's data to another user"


@pytest.mark.parametrize(
    ("name", "parameters"), PRIVATE_URLS, ids=[name for name, _ in PRIVATE_URLS]
)
def test_logged_out_visitors_are_sent_to_the_login_page(client, owner, name, parameters):
    kwargs = {parameter: _object_of(owner, parameter).pk for parameter in parameters}
    url = reverse(name, kwargs=kwargs)

    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, f"{url} answered {response.status_code} when logged out"
        assert response["Location"].startswith(reverse("login")), url


def test_the_walk_covers_the_pages_people_use():
    names = {name for name, _ in ALL_URLS}
    assert {"network:contact-list", "network:contact-detail", "insights:dashboard"} <= names


def test_public_pages_are_really_public(client, db):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("healthz")).content == b"ok"
    assert get_user_model().objects.count() == 0
