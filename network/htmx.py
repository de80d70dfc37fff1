from django.http import HttpRequest


def template_for(request: HttpRequest, template: str, fragment: str) -> str:
    """The page's template, or only its fragment when htmx asks for a partial update.

    Views using it vary on HX-Request, so no cache serves a fragment as the whole page.
    """
    if request.htmx and not request.htmx.history_restore_request:
        return f"{template}#{fragment}"
    return template
