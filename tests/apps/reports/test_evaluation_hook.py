"""The evaluation section: empty (and absent from page and exports) until apps.evaluations
provides `evaluation_scores`; shown when it does."""

import sys
import types

from tests.conftest import signed_in


def test_it_leaves_the_evaluation_section_out_without_scores(client, nyborg, nanna, world):
    signed_in(client, nanna, nyborg)
    response = client.get("/rapporter/", {"year": 2024}, HTTP_HOST="nyborg.localhost")
    assert response.context["report"]["evaluation"] == []
    assert "Evalueringer" not in response.content.decode()


def test_it_shows_the_scores_apps_evaluations_gives(client, nyborg, world, rower, monkeypatch):
    asked: dict[str, object] = {}

    def evaluation_scores(*, start, end, organisation_id):
        asked.update(start=start, end=end, organisation_id=organisation_id)
        return [
            {
                "event_id": 1,
                "event_title": "Sommerstævne",
                "organisation_id": organisation_id,
                "responses": 12,
                "average": 4.4,
            }
        ]

    package = types.ModuleType("apps.evaluations")
    selectors = types.ModuleType("apps.evaluations.selectors")
    selectors.evaluation_scores = evaluation_scores
    monkeypatch.setitem(sys.modules, "apps.evaluations", package)
    monkeypatch.setitem(sys.modules, "apps.evaluations.selectors", selectors)
    signed_in(client, rower, nyborg)
    response = client.get("/rapporter/", {"year": 2024}, HTTP_HOST="nyborg.localhost")
    page = response.content.decode()
    assert "Evalueringer" in page and "Sommerstævne" in page and "4,4" in page
    assert asked["organisation_id"] == world.organisations[0].pk
    assert asked["start"].isoformat() == "2024-01-01" and asked["end"].isoformat() == "2024-12-31"
    body = client.get("/rapporter/eksport/csv/", {"year": 2024}, HTTP_HOST="nyborg.localhost")
    assert "Sommerstævne;12;4,4" in body.content.decode("utf-8-sig")
