from samlast.models import Role


def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_login_and_me(client, make_user):
    make_user(Role.DRIVER, "anna")
    response = client.post("/api/v1/auth/login", json={"username": "anna", "password": "correct horse battery"})
    assert response.status_code == 200, response.json
    token = response.json["token"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json["username"] == "anna"
    assert me.json["role"] == "driver"


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_create_delivery_point_validation_names_field(client, coordinator, world):
    response = client.post(
        "/api/v1/delivery-points/",
        json={
            "external_id": "X",
            "name": "",
            "kind": "school_kitchen",
            "municipality_id": world.eslov.id,
            "lat": 95,
            "lon": 13,
        },
        headers=coordinator,
    )
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"name", "lat"}
