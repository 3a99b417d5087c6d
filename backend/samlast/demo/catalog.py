"""Data tables for the synthetic Mellersta Skåne demo cluster.

Municipal populations are real (the figures the mission cites); places are real
villages with approximate coordinates; every unit, supplier, person, address and
phone number is invented. Phone numbers are drawn from the series PTS reserves
for fiction (070-174 06 05 to 070-174 06 99), e-mail domains end in the reserved
`.example` top-level domain, so nothing here reaches a real person.
"""

from __future__ import annotations

from datetime import time

CLUSTER_NAME = "Mellersta Skåne (syntetisk demo)"

# (name, population, municipality code)
MUNICIPALITIES = (
    ("Eslöv", 33092, "1285"),
    ("Hörby", 15378, "1266"),
    ("Höör", 16300, "1267"),
    ("Kävlinge", 30652, "1261"),
)

TERMINAL = {
    "name": "Samlastningscentralen Eslöv (syntetisk demo)",
    "address": "Terminalvägen 1, Eslöv",
    "lat": 55.839,
    "lon": 13.303,
    "opens_at": time(5, 0),
    "closes_at": time(18, 0),
}

POINTS_AT_SCALE_1 = 230
VEHICLES_AT_SCALE_1 = 8

# Places per municipality: (name, lat, lon, share of the municipality's points,
# scatter radius in km, bearings in degrees the scatter may take). Towns spread
# over 0.3-2.5 km; villages are small. Barsebäckshamn lies on the Öresund coast,
# so its points only scatter eastwards, onto land.
ALL_BEARINGS = (0.0, 360.0)
PLACES = {
    "Eslöv": (
        ("Eslöv", 55.839, 13.303, 0.60, (0.3, 2.5), ALL_BEARINGS),
        ("Marieholm", 55.866, 13.160, 0.08, (0.1, 0.8), ALL_BEARINGS),
        ("Löberöd", 55.776, 13.514, 0.07, (0.1, 0.8), ALL_BEARINGS),
        ("Flyinge", 55.745, 13.355, 0.06, (0.1, 0.8), ALL_BEARINGS),
        ("Stehag", 55.900, 13.393, 0.07, (0.1, 0.8), ALL_BEARINGS),
        ("Billinge", 55.957, 13.330, 0.05, (0.1, 0.6), ALL_BEARINGS),
        ("Harlösa", 55.722, 13.526, 0.07, (0.1, 0.8), ALL_BEARINGS),
    ),
    "Hörby": (
        ("Hörby", 55.854, 13.662, 0.70, (0.3, 2.0), ALL_BEARINGS),
        ("Ludvigsborg", 55.735, 13.590, 0.12, (0.1, 0.8), ALL_BEARINGS),
        ("Fulltofta", 55.880, 13.640, 0.08, (0.1, 0.6), ALL_BEARINGS),
        ("Östra Sallerup", 55.826, 13.575, 0.10, (0.1, 0.6), ALL_BEARINGS),
    ),
    "Höör": (
        ("Höör", 55.937, 13.542, 0.72, (0.3, 2.0), ALL_BEARINGS),
        ("Tjörnarp", 55.998, 13.630, 0.12, (0.1, 0.8), ALL_BEARINGS),
        ("Sätofta", 55.912, 13.552, 0.08, (0.1, 0.6), ALL_BEARINGS),
        ("Norra Rörum", 55.985, 13.475, 0.08, (0.1, 0.6), ALL_BEARINGS),
    ),
    "Kävlinge": (
        ("Kävlinge", 55.794, 13.113, 0.38, (0.3, 2.0), ALL_BEARINGS),
        ("Furulund", 55.772, 13.080, 0.15, (0.1, 1.0), ALL_BEARINGS),
        ("Löddeköpinge", 55.766, 13.015, 0.22, (0.2, 1.5), ALL_BEARINGS),
        ("Barsebäckshamn", 55.755, 12.903, 0.08, (0.1, 0.8), (20.0, 160.0)),
        ("Hofterup", 55.806, 12.985, 0.09, (0.1, 0.8), ALL_BEARINGS),
        ("Dösjebro", 55.826, 13.032, 0.08, (0.1, 0.8), ALL_BEARINGS),
    ),
}

# Share of delivery points per kind, in every municipality.
KIND_SHARES = (
    ("school_kitchen", 0.22),
    ("preschool", 0.42),
    ("care_home", 0.26),
    ("other", 0.10),
)

# Name pools per kind, shuffled per municipality. The anchors come first so the
# demo recipients (kok.bergaskolan, kok.ljungbacka) exist whatever the seed.
NAME_POOLS = {
    "school_kitchen": tuple(
        f"{stem}skolan kök"
        for stem in (
            "Berga", "Norrebro", "Källebergs", "Ekenäs", "Lärkängs", "Ängs", "Park", "Central",
            "Öster", "Väster", "Söder", "Nyvångs", "Kvarnby", "Linde", "Bok", "Backa",
            "Tallbacks", "Sandåkers", "Rönne", "Kulla", "Ekbacke", "Björk", "Högalids",
            "Sockerbruks", "Stations", "Mölle", "Vånga", "Haga",
        )
    ),
    "preschool": tuple(
        f"Förskolan {stem}"
        for stem in (
            "Solrosen", "Blåklinten", "Ekorren", "Myrstacken", "Regnbågen", "Humlan",
            "Nyckelpigan", "Trollskogen", "Tallkotten", "Lönnen", "Vitsippan", "Smultronstället",
            "Igelkotten", "Skogsgläntan", "Fjärilen", "Kastanjen", "Ängen", "Sjöstjärnan",
            "Lärkan", "Kotten", "Vildrosen", "Havren", "Ugglan", "Räven", "Linden", "Björken",
            "Pärlan", "Stjärnan", "Kojan", "Bullerbyn", "Äppelgården", "Prästkragen",
            "Tussilago", "Vallmon", "Hästhoven", "Sparven", "Bikupan", "Gläntan", "Månstrålen",
            "Snäckan",
        )
    ),
    "care_home": tuple(
        f"{stem} äldreboende"
        for stem in (
            "Ljungbacka", "Solgården", "Lindgården", "Ekhagen", "Rosengården", "Åkershus",
            "Kastanjegården", "Tallgården", "Björkhaga", "Almgården", "Lärkbacken", "Sjöängen",
            "Ringsjögården", "Ängsgården", "Källgården", "Skogsbrynet", "Hagalund",
            "Norregården", "Solbacken", "Havregården", "Vallgården", "Bokhaga",
        )
    ),
    "other": (
        "Fritidsgården Tegelbruket", "Daglig verksamhet Verkstan", "Gruppbostad Lärkan",
        "Kommunhusets personalmatsal", "Fritidsgården Ungdomens hus", "Korttidsboende Vågen",
        "Gruppbostad Eken", "Träffpunkt Seniorcaféet", "Daglig verksamhet Gröna huset",
        "Servicebostad Linden", "Fritidsgården Kvarnen",
    ),
}
ANCHOR_NAMES = {
    ("Eslöv", "school_kitchen"): "Bergaskolan kök",
    ("Hörby", "care_home"): "Ljungbacka äldreboende",
}

STREETS = (
    "Skolgatan", "Storgatan", "Järnvägsgatan", "Kyrkogatan", "Ringvägen", "Västergatan",
    "Östergatan", "Parkvägen", "Lundavägen", "Norregatan", "Södergatan", "Ängsvägen",
    "Björkvägen", "Lärkvägen", "Bryggaregatan", "Kvarngatan", "Stationsvägen", "Åkervägen",
)
FIRST_NAMES = (
    "Anna", "Maria", "Karin", "Eva", "Lena", "Sara", "Emma", "Malin", "Johanna", "Sofia",
    "Lars", "Anders", "Johan", "Per", "Erik", "Mikael", "Fredrik", "Ali", "Amira", "Nils",
)
LAST_NAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Persson", "Lindqvist", "Olsson",
    "Håkansson", "Mårtensson", "Svensson", "Jönsson", "Ohlsson", "Bengtsson", "Hassan",
)

# Access notes and the vehicle length they imply (None: no limit).
ACCESS_NOTES = (
    ("Max 12 m fordon", 12.0),
    ("Smal infart, max 10 m fordon", 10.0),
    ("Lossning vid köksingången, baksidan", None),
    ("Ring på klockan vid varumottagningen", None),
    ("Backa in vid rampen, lämna kylvaror i kylrummet", None),
    ("Barn på gården efter 08:00, kör i gångfart", None),
)
UNLOADING_PLACES = ("Köksingången", "Varumottagningen", "Lastkajen på baksidan", "Entré B")

# Receiving windows per kind: ((start, end), weight); one is drawn per point and
# applies Monday-Friday. Care homes sometimes also take an afternoon delivery.
WINDOWS = {
    "school_kitchen": (
        ((time(6, 30), time(10, 30)), 6), ((time(6, 0), time(10, 0)), 2),
        ((time(7, 0), time(10, 30)), 2),
    ),
    "preschool": (
        ((time(7, 0), time(11, 0)), 6), ((time(7, 30), time(11, 0)), 2),
        ((time(8, 0), time(11, 30)), 2),
    ),
    "care_home": (((time(7, 0), time(12, 0)), 7), ((time(7, 30), time(11, 30)), 3)),
    "other": (((time(8, 0), time(15, 0)), 5), ((time(9, 0), time(14, 0)), 5)),
}
AFTERNOON_WINDOW = (time(13, 0), time(15, 0))
AFTERNOON_WINDOW_SHARE = 0.3
# How many weekdays (min, max) a unit receives goods on; bread comes at most that often.
RECEIVING_DAYS = {
    "school_kitchen": (3, 5),
    "preschool": (2, 3),
    "care_home": (3, 4),
    "other": (2, 2),
}
SERVICE_MINUTES = {
    "school_kitchen": (12, 20),
    "preschool": (8, 12),
    "care_home": (10, 15),
    "other": (8, 12),
}

# Who is fed per weekday, and how many kg of goods one of them needs per week.
# A school lunch is ~0.3 kg of raw goods incl. milk and bread; a care-home
# resident eats all meals there. Most preschools have warming kitchens whose
# lunch comes from a production kitchen, so they order breakfast and snacks.
PORTIONS = {
    "school_kitchen": (200, 600),
    "preschool": (20, 80),
    "care_home": (20, 70),
    "other": (10, 40),
}
KG_PER_PORTION_WEEK = {
    "school_kitchen": 1.5,
    "preschool": 2.2,  # cooking; warming kitchens use WARMING_KG_FACTOR of it
    "care_home": 6.0,
    "other": 0.8,
}
WARMING_KG_FACTOR = 0.45
COOKING_PRESCHOOL_SHARE = 0.3

# (name, temperature class, kg per pallet place for mixed picked goods)
PRODUCT_AREAS = (
    ("Kolonial/torrvaror", "ambient", 400.0),
    ("Mejeri", "chilled", 450.0),
    ("Kött och chark", "chilled", 350.0),
    ("Fisk", "chilled", 300.0),  # fresh fish; frozen fish is sold as Frysvaror
    ("Frukt och grönt", "chilled", 250.0),
    ("Bröd", "ambient", 120.0),  # crates of bread are bulky for their weight
    ("Frysvaror", "frozen", 350.0),
    ("Potatis och rotfrukter", "ambient", 500.0),
    ("Ägg", "chilled", 300.0),
)

# Share of a kitchen's weekly kg per product area; warming kitchens skip cooking goods.
AREA_SHARES_COOKING = {
    "Kolonial/torrvaror": 0.14, "Mejeri": 0.24, "Kött och chark": 0.12, "Fisk": 0.03,
    "Frukt och grönt": 0.16, "Bröd": 0.08, "Frysvaror": 0.10,
    "Potatis och rotfrukter": 0.11, "Ägg": 0.02,
}
AREA_SHARES_WARMING = {
    "Kolonial/torrvaror": 0.16, "Mejeri": 0.38, "Frukt och grönt": 0.24, "Bröd": 0.18,
    "Frysvaror": 0.02, "Ägg": 0.02,
}

# Articles per area: (article, unit, kg per unit). Quantities in kg are whole or half kg.
ARTICLES = {
    "Kolonial/torrvaror": (
        ("Pasta penne 5 kg", "fp", 5.0), ("Ris jasmin 10 kg", "fp", 10.0),
        ("Vetemjöl 2 kg", "fp", 2.0), ("Krossade tomater 2,5 kg", "st", 2.55),
        ("Rapsolja", "l", 0.92), ("Havregryn 5 kg", "fp", 5.0),
        ("Röda linser 5 kg", "fp", 5.0), ("Knäckebröd 2,5 kg", "fp", 2.5),
        ("Lingonsylt 3 kg", "st", 3.1), ("Grönsaksbuljong 1 kg", "st", 1.0),
    ),
    "Mejeri": (
        ("Mellanmjölk 1,5 % bag-in-box", "l", 1.03), ("Standardmjölk 3 %", "l", 1.03),
        ("Laktosfri mellanmjölk", "l", 1.03), ("Filmjölk 1 l", "st", 1.03),
        ("Yoghurt naturell", "l", 1.04), ("Smör 500 g", "st", 0.5),
        ("Hushållsost 1 kg", "st", 1.0), ("Grädde 36 %", "l", 1.0),
        ("Havredryck 1 l", "st", 1.03),
    ),
    "Kött och chark": (
        ("Nötfärs 12 %", "kg", 1.0), ("Kycklingfilé", "kg", 1.0), ("Fläskkarré", "kg", 1.0),
        ("Falukorv 800 g", "st", 0.8), ("Skinka skivad 500 g", "fp", 0.5),
        ("Grytbitar nöt", "kg", 1.0),
    ),
    "Fisk": (
        ("Torskfilé färsk", "kg", 1.0), ("Laxfilé färsk", "kg", 1.0), ("Sejfilé färsk", "kg", 1.0),
    ),
    "Frukt och grönt": (
        ("Bananer", "kg", 1.0), ("Päron", "kg", 1.0), ("Gurka", "st", 0.35),
        ("Tomater", "kg", 1.0), ("Isbergssallat", "st", 0.5), ("Paprika röd", "kg", 1.0),
        ("Apelsiner", "kg", 1.0), ("Broccoli", "kg", 1.0), ("Vitkål", "kg", 1.0),
    ),
    "Bröd": (
        ("Rågbröd skivat 750 g", "st", 0.75), ("Formfranska 800 g", "st", 0.8),
        ("Frukostfralla", "st", 0.06), ("Tunnbröd 10-pack", "fp", 0.6),
        ("Fullkornslimpa 900 g", "st", 0.9),
    ),
    "Frysvaror": (
        ("Fiskpinnar", "kg", 1.0), ("Köttbullar frysta", "kg", 1.0),
        ("Gröna ärter 2,5 kg", "fp", 2.5), ("Wokgrönsaker 2,5 kg", "fp", 2.5),
        ("Pannkakor frysta", "kg", 1.0), ("Sejfilé fryst", "kg", 1.0),
        ("Blomkål fryst 2,5 kg", "fp", 2.5),
    ),
    "Potatis och rotfrukter": (
        ("Gul lök", "kg", 1.0), ("Morötter", "kg", 1.0),
    ),
    "Ägg": (("Ägg 30-pack", "fp", 1.9),),
}

# Local producers sell a narrower range than the area's wholesale catalogue.
PRODUCER_ARTICLES = {
    "potatis": {"Potatis och rotfrukter": (("Potatis fast", "kg", 1.0), ("Morötter", "kg", 1.0))},
    "kalrot": {"Potatis och rotfrukter": (
        ("Kålrot", "kg", 1.0), ("Rödbetor", "kg", 1.0), ("Palsternacka", "kg", 1.0))},
    "agg": {"Ägg": (("Ägg frigående 30-pack", "fp", 1.9), ("Ägg frigående 180 st", "fp", 11.3))},
    "applen": {"Frukt och grönt": (
        ("Äpplen Ingrid Marie", "kg", 1.0), ("Äppelmust 3 l", "st", 3.1))},
    "gardsmejeri": {"Mejeri": (("Filmjölk gårdsmejeri 1 l", "st", 1.03),
                               ("Yoghurt gårdsmejeri 1 l", "st", 1.04))},
    "stenugn": {"Bröd": (("Surdegslimpa 1 kg", "st", 1.0), ("Frukostbullar 40 st", "fp", 2.4))},
    "kalkon": {"Kött och chark": (("Kalkonfilé", "kg", 1.0), ("Kalkonfärs", "kg", 1.0))},
    "ringsjofisk": {"Fisk": (("Gösfilé Ringsjön", "kg", 1.0), ("Fiskfärs av braxen", "kg", 1.0))},
}

# Suppliers: key -> (external id, name, kind, address, lat, lon, {area: weight}).
# Weights decide how a point's demand for an area splits between the suppliers
# it buys that area from; local producers take a smaller slice.
SUPPLIERS = {
    "grossist": ("DEMO-S-01", "Storköksgrossisten Syd AB", "wholesaler",
                 "Agneslundsvägen 20, Malmö", 55.563, 13.045,
                 {"Kolonial/torrvaror": 1, "Kött och chark": 3, "Frysvaror": 1}),
    "fruktgront": ("DEMO-S-02", "Frukt & Grönt Partihandel Helsingborg AB", "wholesaler",
                   "Bergavägen 4, Helsingborg", 56.027, 12.745,
                   {"Frukt och grönt": 3, "Potatis och rotfrukter": 1}),
    "bageri": ("DEMO-S-03", "Skånebageriet AB", "wholesaler", "Bagarevägen 2, Lund",
               55.718, 13.225, {"Bröd": 3}),
    "mejeri": ("DEMO-S-04", "Mejerigrossisten Syd AB", "wholesaler",
               "Mejerivägen 8, Kristianstad", 56.030, 14.150, {"Mejeri": 3, "Ägg": 1}),
    "frys": ("DEMO-S-05", "Fryslagret Syd AB", "wholesaler", "Kylvägen 3, Landskrona",
             55.877, 12.850, {"Frysvaror": 3}),
    "chark": ("DEMO-S-06", "Charkgrossisten Skåne AB", "wholesaler",
              "Slakterivägen 11, Hässleholm", 56.155, 13.770, {"Kött och chark": 2}),
    "fisk": ("DEMO-S-07", "Fiskhallen Grossist AB", "wholesaler", "Hamnvägen 5, Helsingborg",
             56.040, 12.695, {"Fisk": 3}),
    "potatis": ("DEMO-S-08", "Stehags potatisgård", "local_producer", "Gårdsvägen 3, Stehag",
                55.905, 13.405, {"Potatis och rotfrukter": 2}),
    "kalrot": ("DEMO-S-09", "Kålrotsodlingen i Harlösa", "local_producer",
               "Åkervägen 12, Harlösa", 55.715, 13.540, {"Potatis och rotfrukter": 1}),
    "agg": ("DEMO-S-10", "Frostavallens ägg", "local_producer", "Hönsgårdsvägen 2, Höör",
            55.945, 13.585, {"Ägg": 3}),
    "applen": ("DEMO-S-11", "Äppelgården Fulltofta", "local_producer",
               "Fruktvägen 1, Fulltofta", 55.885, 13.645, {"Frukt och grönt": 1}),
    "gardsmejeri": ("DEMO-S-12", "Gårdsmejeriet vid Ringsjön", "local_producer",
                    "Mejerivägen 4, Höör", 55.885, 13.505, {"Mejeri": 1}),
    "stenugn": ("DEMO-S-13", "Stenugnsbageriet Marieholm", "local_producer",
                "Bagaregatan 6, Marieholm", 55.868, 13.163, {"Bröd": 3}),
    "kalkon": ("DEMO-S-14", "Kalkongården i Hörby", "local_producer", "Kalkonvägen 9, Hörby",
               55.835, 13.705, {"Kött och chark": 1}),
    "ringsjofisk": ("DEMO-S-15", "Ringsjöfisk", "local_producer", "Fiskarvägen 1, Sätofta",
                    55.905, 13.560, {"Fisk": 2}),
}

# Apples are stored through the winter, so Swedish apples are sold August-April.
APPLE_SEASON_MONTHS = (8, 9, 10, 11, 12, 1, 2, 3, 4)

# Vehicle templates, cycled to make `round(8 * scale)` vehicles. CO2e per km is
# well-to-wheel for a 12-16 t distribution truck using ~0.30 l fuel per km:
# - diesel: ~2.9 kg CO2e/l (Swedish MK1 diesel with its low bio blend) -> ~0.86;
# - HVO100: ~0.6-0.7 kg CO2e/l, i.e. ~75-80 % below fossil diesel; the actual
#   figure depends on the feedstock on the delivery note -> 0.20;
# - electric: a lighter truck at ~0.8 kWh/km on the Nordic grid mix at
#   ~40 g CO2e/kWh -> ~0.03 (tank-to-wheel it is 0.0).
# Costs are 2026-level hauler rates in SEK incl. driver time per hour.
VEHICLE_TYPES = {
    "hvo100": {
        "label": "Lastbil HVO", "co2e_kg_per_km": 0.20, "cost_per_km": 16.0,
        "cost_per_hour": 520.0, "shift": (time(5, 30), time(14, 30)), "length_m": 12.0,
        "compartments": (("frozen", 1400.0, 3.0), ("chilled", 2800.0, 6.5),
                         ("ambient", 2800.0, 6.5)),
    },
    "electric": {
        "label": "Ellastbil", "co2e_kg_per_km": 0.03, "cost_per_km": 12.0,
        "cost_per_hour": 480.0, "shift": (time(6, 0), time(14, 0)), "length_m": 8.5,
        "compartments": (("frozen", 500.0, 1.5), ("chilled", 1000.0, 3.5),
                         ("ambient", 1000.0, 3.0)),
    },
    "diesel": {
        "label": "Lastbil diesel", "co2e_kg_per_km": 0.86, "cost_per_km": 14.0,
        "cost_per_hour": 520.0, "shift": (time(6, 0), time(15, 0)), "length_m": 12.0,
        "compartments": (("frozen", 1800.0, 3.5), ("chilled", 3600.0, 7.5),
                         ("ambient", 3600.0, 7.0)),
    },
}
VEHICLE_ORDER = ("hvo100", "electric", "diesel", "hvo100", "electric", "diesel", "hvo100",
                 "electric")
