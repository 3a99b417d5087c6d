"""Store the synthetic Skåne region (`flask samlast demo --region skane`): the three groups'
13 municipalities with ~900 delivery points and two weeks of orders, the six invented
candidate terminal sites, and the demo coordinator. Idempotent, like the demo cluster: the
region is recognised by its name."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from samlast.demo.generator import DEFAULT_SEED, DEFAULT_START
from samlast.demo.region import REGION_NAME, SITES, generate_region
from samlast.extensions import db
from samlast.models import Cluster, RegionSite
from samlast.services import demo


def create_region_demo(seed: int = DEFAULT_SEED, reset: bool = False, start: date | None = None) -> list:
    """Create the region unless it exists; return the demo logins (the coordinator).

    Raises demo.DemoDataConflict if the database holds one of its municipalities already (the
    demo cluster shares four of them): `reset` replaces everything with the region.
    """
    if reset:
        demo.delete_everything()
    if db.session.scalar(sa.select(Cluster.id).where(Cluster.name == REGION_NAME)) is None:
        demo._persist(generate_region(seed=seed, start=start or DEFAULT_START))
        known = set(db.session.scalars(sa.select(RegionSite.name)))
        db.session.add_all(
            RegionSite(name=s.name, lat=s.lat, lon=s.lon, fixed_sek_per_year=s.fixed_sek_per_year,
                       handling_sek_per_pallet=s.handling_sek_per_pallet, note="syntetisk demo")
            for s in SITES
            if s.name not in known
        )  # fmt: skip
    logins = demo._ensure_users()
    db.session.commit()
    return logins
