"""`flask samlast demo --region skane`: the synthetic Skåne region for region planning."""

from __future__ import annotations

import sqlalchemy as sa

from samlast.demo.region import GROUPS
from samlast.extensions import db
from samlast.models import Cluster, DeliveryPoint, Municipality, RegionSite


def test_the_region_demo_stores_the_three_groups_towns_and_six_labelled_sites(runner, world):
    refused = runner.invoke(args=["samlast", "demo", "--region", "skane"])
    assert refused.exit_code != 0 and "--reset" in refused.output  # Eslöv and Hörby exist already

    result = runner.invoke(args=["samlast", "demo", "--region", "skane", "--reset"])
    assert result.exit_code == 0, result.output
    assert db.session.scalars(sa.select(Cluster.name)).all() == ["Region Skåne (syntetisk demo)"]
    towns = dict(db.session.execute(sa.select(Municipality.name, Municipality.population)).all())
    assert set(towns) == {m for members in GROUPS.values() for m in members} and len(towns) == 13
    assert towns["Trelleborg"] == 44314 and towns["Perstorp"] == 7374
    points = db.session.scalar(sa.select(sa.func.count(DeliveryPoint.id)))
    assert points == 900
    sites = db.session.scalars(sa.select(RegionSite)).all()
    assert len(sites) == 6 and all("syntetisk" in s.name for s in sites)

    again = runner.invoke(args=["samlast", "demo", "--region", "skane"])
    assert again.exit_code == 0, again.output
    assert db.session.scalar(sa.select(sa.func.count(RegionSite.id))) == 6
