"""The API's world: the small directive with unit A's sent report and unit B's draft,
a summary and a finished export; each persona calls with its own token."""

from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from rest_framework.test import APIClient

from api.models import ApiToken
from reports.summaries.compose import summary_compose
from reports.summaries.models import Export


def token_client(user) -> APIClient:
    client = APIClient()
    if user is not None:
        _token, key = ApiToken.issue(user=user, name="kiểm thử")
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def api_for(request):
    """api_for("reviewer"): a client sending that persona's token; "anonymous": none."""

    def make(persona: str) -> APIClient:
        user = None if persona == "anonymous" else request.getfixturevalue(persona)
        return token_client(user)

    return make


@pytest.fixture
def world(small_directive, submitted_a, draft_b, reviewer):
    sd = small_directive
    summary = summary_compose(
        directive=sd.directive, period_from=sd.period, period_to=sd.period, by=reviewer
    )
    summary.save()
    export = Export.objects.create(
        directive=sd.directive,
        summary=summary,
        format=Export.Format.PDF,
        periods=sd.period.label,
        status=Export.Status.DONE,
        progress=100,
        created_by=reviewer,
    )
    export.file.save("bao-cao.pdf", ContentFile(b"%PDF-1.4 thu nghiem"), save=False)
    export.size = export.file.size
    export.save()
    return SimpleNamespace(
        directive=sd.directive,
        section=sd.section,
        task=sd.task,
        period=sd.period,
        assignment_a=sd.assignment_a,
        assignment_b=sd.assignment_b,
        submitted_a=submitted_a,
        draft_b=draft_b,
        summary=summary,
        export=export,
    )
