"""The OpenAPI document is valid, complete, and tells which operations need a token; its answers
say which fields are always there and of what type (the PWA's types are generated from it)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openapi_spec_validator import validate

API_PREFIX = "/api/v1"
IGNORED_METHODS = {"HEAD", "OPTIONS"}
# The operations usable without a token: logging in, and the municipal sign-in (its offer and its code).
PUBLIC = {("/api/v1/auth/login", "post"), ("/api/v1/auth/oidc", "get"), ("/api/v1/auth/oidc/exchange", "post"),
          # the residents' tracking page: the answer, Web Push from it, and collecting from the locker
          ("/api/v1/rural/track/{code}", "get"), ("/api/v1/rural/track/{code}/push", "get"),
          ("/api/v1/rural/track/{code}/push", "post"), ("/api/v1/rural/track/{code}/collect", "post")}


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


#: Fields an answer may leave out, per schema (see ResponseSchema.may_omit); every other field of
#: an answer is always there.
MAY_OMIT = {
    "DriverPlace": {  # a stop with neither a delivery point nor a supplier has an empty place
        "name", "address", "access_notes", "unloading_place", "max_vehicle_length_m", "contact_name", "contact_phone",
    },
    "ObservationCounts": {"services", "legs", "routes"},  # nothing learned yet: {}
    "Figures": {"km_by_trip_kind"},  # impact reports stored before these were
    "Horizon": {"weeks_with_orders", "empty_weeks"},
    "ImpactResult": {"pattern_comparison", "moved_before_period", "notes", "wall_time_s", "fleet_need",
                     "decomposition", "tornado",  # reports stored before it was
                     "preset"},  # a report of the terminal's own orders has none
    "CostSplitRow": {"nucleolus", "equal_profit"},  # reports stored before these rules
    "CostSplit": {"core", "shapley_skipped", "shapley_skipped_reason", "shapley_sampled"},  # exact, sampled or none
    "CoreCheck": {"max_collectable", "allocation_in_core"},
}


def _answer_schemas(spec) -> dict[str, dict]:
    """Every component schema reachable from a 2xx JSON answer, by name."""
    schemas = spec["components"]["schemas"]
    found: dict[str, dict] = {}

    def walk(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref:
                name = ref.rsplit("/", 1)[1]
                if name not in found:
                    found[name] = schemas[name]
                    walk(schemas[name])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in spec["paths"].values():
        for operation in path.values():
            if not isinstance(operation, dict):  # the path's parameters
                continue
            for status, answer in operation.get("responses", {}).items():
                if status.startswith("2"):
                    walk(answer.get("content", {}).get("application/json", {}).get("schema"))
    return found


def test_answers_say_which_fields_are_always_there(spec):
    answers = _answer_schemas(spec)
    assert {"DriverRoute", "UpcomingDelivery", "Booking", "Plan", "UserOut", "OrderOut"} <= set(answers)
    optional = {
        name: sorted(set(schema.get("properties", {})) - set(schema.get("required", [])) - MAY_OMIT.get(name, set()))
        for name, schema in answers.items()
        if name not in {"KeyedMessage", "MessageParam"}
    }
    assert {name: fields for name, fields in optional.items() if fields} == {}


def test_every_field_of_an_answer_has_a_type(spec):
    untyped = [
        f"{name}.{field}"
        for name, schema in _answer_schemas(spec).items()
        for field, prop in schema.get("properties", {}).items()
        if not {"type", "enum", "$ref", "anyOf", "allOf", "oneOf"} & set(prop)
    ]
    assert untyped == []


def test_dual_use_schemas_answer_with_their_own_schema(spec):
    """A schema that also reads what is written keeps its optional fields there; its answer lists them
    as always there."""
    schemas = spec["components"]["schemas"]
    assert "status" not in schemas["Order"].get("required", [])
    assert "status" in schemas["OrderOut"]["required"]
    assert schemas["OrderOut"]["properties"]["lines"]["items"] == {"$ref": "#/components/schemas/OrderLineOut"}
    assert "password" not in schemas["UserOut"]["properties"]
    assert "product_area_ids" not in schemas["SupplierOut"]["properties"]
    answer = spec["paths"]["/api/v1/orders/{object_id}"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/OrderOut"}


def test_a_nullable_nested_schema_is_that_schema_or_null(spec):
    confirmation = spec["components"]["schemas"]["UpcomingDelivery"]["properties"]["confirmation"]
    assert confirmation == {
        "anyOf": [
            {"$ref": "#/components/schemas/ConfirmationSummary"},
            {"type": "object", "nullable": True, "enum": [None]},
        ]
    }


def test_enums_the_pwa_relies_on(spec):
    schemas = spec["components"]["schemas"]
    assert schemas["UpcomingDelivery"]["properties"]["status"]["enum"] == [
        "not_planned", "planned", "arrived", "done", "skipped",
    ]
    assert schemas["FreeSlot"]["properties"]["closed_reason"]["enum"] == ["cutoff", "full", None]
    assert set(schemas["Deviation"]["properties"]["status"]["enum"]) == {"open", "resolved"}


def test_the_committed_document_is_the_served_one(spec):
    """pwa/openapi.json (the PWA's types are generated from it at build time) is current: `make
    pwa/openapi.json` writes it."""
    committed = json.loads((Path(__file__).parents[2] / "pwa" / "openapi.json").read_text(encoding="utf-8"))
    assert committed == spec


def test_docs_page(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "/api/openapi.json" in html
    assert "redoc" in html.lower()
