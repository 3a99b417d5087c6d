"""REST API under /api/v1, documented at /api/openapi.json and /api/docs."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from samlast.errors import http_exception_response
from samlast.schemas.common import MESSAGE_COMPONENTS, ErrorSchema, nullable_reference


class SamlastApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        return http_exception_response(error)


def init_api(app: Flask) -> Api:
    from samlast.api import (
        audit,
        auth,
        deviations,
        driver,
        feedback,
        followup,
        goods_in,
        impact,
        imports,
        loading,
        master_data,
        oidc,
        planning,
        producer,
        push,
        recipient,
        region,
        rural,
        stock,
        tender_lots,
        timeline,
    )

    api = SamlastApi(
        app,
        spec_kwargs={
            "info": {
                "description": "Coordinated goods distribution: master data, planning, "
                "deliveries. Authenticate with `Authorization: Bearer <token>` from "
                "`POST /api/v1/auth/login`."
            }
        },
    )
    api.ma_plugin.converter.add_attribute_function(nullable_reference)
    for name, component in MESSAGE_COMPONENTS.items():
        api.spec.components.schema(name, component)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "opaque"}
    )
    api.register_blueprint(auth.blp)
    api.register_blueprint(oidc.blp)
    oidc.init_oidc(app)
    api.register_blueprint(audit.blp)
    api.register_blueprint(imports.blp)
    api.register_blueprint(planning.blp)
    api.register_blueprint(driver.blp)
    api.register_blueprint(impact.blp)
    api.register_blueprint(followup.blp)
    api.register_blueprint(tender_lots.blp)
    api.register_blueprint(region.blp)
    api.register_blueprint(feedback.blp)
    api.register_blueprint(recipient.blp)
    api.register_blueprint(deviations.blp)
    api.register_blueprint(goods_in.blp)
    api.register_blueprint(timeline.blp)
    api.register_blueprint(stock.blp)
    api.register_blueprint(push.blp)
    for blp in producer.blueprints():
        api.register_blueprint(blp)
    for blp in master_data.blueprints():
        api.register_blueprint(blp)
    api.register_blueprint(loading.blp)
    api.register_blueprint(rural.blp)
    return api
