"""The OpenAPI document is valid, complete, and tells which operations need a token."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

API_PREFIX = "/api/v1"
IGNORED_METHODS = {"HEAD", "OPTIONS"}
PUBLIC = {("/api/v1/auth/login", "post")}  # the only operation usable without a token


@pytest.fixture
def spec(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.is_json
    return response.json


def api_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(API_PREFIX)]


def openapi_path(rule) -> str:
    """/api/v1/x/<int:object_id> -> /api/v1/x/{object_id}"""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)


def operations(app):
    for rule in api_rules(app):
        for method in sorted(rule.methods - IGNORED_METHODS):
            yield rule, method.lower()


def test_document_validates(spec):
    validate(spec)  # raises on an invalid document
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "Samlast API"
    assert spec["info"]["version"] == "v1"


def test_every_api_route_and_method_is_documented(app, spec):
    rules = api_rules(app)
    assert len(rules) >= 21  # 9 resources x 2, plus the auth endpoints
    missing = []
    for rule, method in operations(app):
        path = openapi_path(rule)
        if method not in spec["paths"].get(path, {}):
            missing.append(f"{method.upper()} {path}")
    assert missing == []


def test_no_documented_path_is_missing_from_the_app(app, spec):
    documented = {openapi_path(rule) for rule in api_rules(app)}
    assert set(spec["paths"]) <= documented


def test_bearer_security_scheme_is_declared(spec):
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "opaque",
    }


def test_every_operation_but_login_is_marked_protected(app, spec):
    marked, unmarked = [], []
    for rule, method in operations(app):
        path = openapi_path(rule)
        operation = spec["paths"][path][method]
        (marked if operation.get("security") == [{"bearerAuth": []}] else unmarked).append(
            (path, method)
        )
    assert set(unmarked) == PUBLIC
    assert len(marked) >= 30


def _concrete_url(app, rule) -> str:
    """A URL that the rule matches: 1 for ints, the first choice for any()."""
    values = {}
    for name, converter in rule._converters.items():
        items = getattr(converter, "items", None)
        values[name] = sorted(items)[0] if items else 1
    adapter = app.url_map.bind("localhost")
    return adapter.build(rule.endpoint, values)


def test_marking_matches_behaviour(app, client, spec):
    """An operation marked as protected answers 401 without a token; login does not."""
    for rule, method in operations(app):
        path = openapi_path(rule)
        protected = "security" in spec["paths"][path][method]
        response = client.open(_concrete_url(app, rule), method=method.upper())
        if protected:
            assert response.status_code == 401, (method, path, response.status_code)
            assert response.json["error"]["code"] == "unauthorized"
        else:
            assert response.status_code != 401, (method, path)


def test_tags_and_error_responses(spec):
    tags = {tag["name"] for tag in spec.get("tags", [])}
    assert {"auth", "clusters", "orders", "users"} <= tags
    login = spec["paths"]["/api/v1/auth/login"]["post"]
    assert "200" in login["responses"]
    assert "422" in login["responses"]  # documented validation error
    assert "requestBody" in login


def test_patch_bodies_are_partial_and_named_distinctly(spec):
    schemas = spec["components"]["schemas"]
    assert "Cluster" in schemas and "ClusterPatch" in schemas
    assert "name" in schemas["Cluster"].get("required", [])
    assert "required" not in schemas["ClusterPatch"]


def test_password_is_write_only_in_the_user_schema(spec):
    user = spec["components"]["schemas"]["User"]["properties"]
    assert user["password"].get("writeOnly") is True
    assert user["id"].get("readOnly") is True


def test_docs_page(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "/api/openapi.json" in html
    assert "redoc" in html.lower()
