"""The lot planner: split a product area's annual volume into lots a small producer can bid on.

Pure: plain data in, plain data out. Once the terminal handles transport a producer no longer has
to deliver to every building itself, so a product area can be tendered in smaller lots (Växjö went
from 3 to 17 food suppliers this way).

The volume comes as the annual kg each delivery point receives of the product area, with the
point's municipality and delivery day. Lots are built

1. by geography and delivery day: one group per (municipality, weekday), so that a lot is one
   area delivered on one day;
2. by size: within a group the points are packed, largest first, into lots of at most
   ``max_kg`` (first-fit decreasing); a point that alone receives more than ``max_kg`` is split
   into the fewest equal parts that each fit, and each part is a lot of its own.

Amounts are counted in whole grams, so a lot is never larger than the limit and the lots together
hold exactly the whole volume (each point's kg rounded to the gram).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class PointVolume:
    """The annual volume of one product area to one delivery point on one delivery weekday."""

    point: str
    municipality: str
    weekday: int  # 0 = Monday
    kg: float


def _grams(kg: float) -> int:
    return int(round(kg * 1000))


def plan_lots(product_area: str, volumes: Iterable[PointVolume], max_kg: float) -> list[dict]:
    """Lots of at most `max_kg` a year that together cover the whole volume.

    Parameters
    ----------
    product_area : str
        Named on each lot (e.g. "Root vegetables").
    volumes : iterable of PointVolume
        Annual kg per delivery point and weekday; zero volumes are left out.
    max_kg : float
        The largest annual volume of one lot, kg (at least 1 g).

    Returns
    -------
    list of dict
        One per lot, ordered by municipality, weekday and size: ``lot`` (1, 2, ...),
        ``product_area``, ``municipality``, ``weekday``, ``kg`` and ``points``: a list of
        ``{"point", "kg"}`` (a part of a split point names it with its part of the volume).
    """
    limit = math.floor(max_kg * 1000)
    if limit < 1:
        raise ValueError("max_kg must be at least 0.001")
    groups: dict[tuple[str, int], dict[str, int]] = {}
    for v in volumes:
        grams = _grams(v.kg)
        if grams < 0:
            raise ValueError(f"negative volume for {v.point}")
        if grams:
            group = groups.setdefault((v.municipality, v.weekday), {})
            group[v.point] = group.get(v.point, 0) + grams
    lots: list[tuple[str, int, list[tuple[str, int]]]] = []
    for (municipality, weekday), points in sorted(groups.items()):
        bins: list[list[tuple[str, int]]] = []
        loads: list[int] = []
        for point, grams in sorted(points.items(), key=lambda item: (-item[1], item[0])):
            if grams > limit:
                parts = -(-grams // limit)  # the fewest parts that each fit
                size, extra = divmod(grams, parts)
                for i in range(parts):
                    lots.append((municipality, weekday, [(point, size + (1 if i < extra else 0))]))
                continue
            for i, load in enumerate(loads):
                if load + grams <= limit:
                    bins[i].append((point, grams))
                    loads[i] += grams
                    break
            else:
                bins.append([(point, grams)])
                loads.append(grams)
        lots += [(municipality, weekday, content) for content in bins]
    lots.sort(key=lambda lot: (lot[0], lot[1], -sum(g for _, g in lot[2])))
    return [
        {
            "lot": n,
            "product_area": product_area,
            "municipality": municipality,
            "weekday": weekday,
            "kg": sum(g for _, g in content) / 1000,
            "points": [{"point": point, "kg": grams / 1000} for point, grams in content],
        }
        for n, (municipality, weekday, content) in enumerate(lots, start=1)
    ]
