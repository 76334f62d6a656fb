"""An agency's level read from its name, where the name leaves no doubt.

``黔西南州工业和信息化局`` is a 自治州's department, ``某某市某某区交通运输局`` a district's,
``某某县某某镇人民政府`` a township; ``某某市交通运输局`` could be a 设区的市's or a
county-level city's, and is asked. The rules are data (``prompts/agency_names.yaml``),
validated when first loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.format.yaml_loading import PROMPTS_DIR, Node, load_yaml

UNIT_KINDS = ("prefecture", "league", "county", "district", "city", "township")
MAX_PLACE = 12  # characters of a place's name before its unit word (…族自治县)
MASK = "\u3000"  # what a department word is blanked with (no unit, no place name)
KEYS = ["national", "provinces", "province_units", "municipalities", "department_words", "units"]


@dataclass(frozen=True, slots=True)
class NameRules:
    """The rules of ``prompts/agency_names.yaml``."""

    national: tuple[str, ...]
    province: re.Pattern[str]
    municipalities: tuple[str, ...]
    department: re.Pattern[str]
    unit: re.Pattern[str]
    any_unit: re.Pattern[str]
    province_anywhere: re.Pattern[str]
    kinds: dict[str, str]  # unit word → kind


@cache
def rules() -> NameRules:
    """The rules, validated when first loaded."""
    path = PROMPTS_DIR / "agency_names.yaml"
    root = Node(path, load_yaml(path))
    root.mapping(allowed=KEYS)
    units = root.get("units")
    units.mapping(allowed=list(UNIT_KINDS))
    kinds = {word: kind for kind in UNIT_KINDS for word in units.get(kind).texts()}
    words = "|".join(map(re.escape, sorted(kinds, key=len, reverse=True)))
    provinces = "|".join(map(re.escape, root.get("provinces").texts()))
    province_units = sorted(root.get("province_units").texts(), key=len, reverse=True)
    municipalities = tuple(root.get("municipalities").texts())
    unknown = set(municipalities) - set(root.get("provinces").texts())
    if unknown:
        raise root.get("municipalities").error(f"not a province: {', '.join(sorted(unknown))}")
    return NameRules(
        national=tuple(root.get("national").texts()),
        province=re.compile(f"^(?:{provinces})(?:{'|'.join(map(re.escape, province_units))})?"),
        municipalities=municipalities,
        department=re.compile("|".join(map(re.escape, root.get("department_words").texts()))),
        # a place and its unit word, not itself the start of a longer place's name
        # (杭州市 is a 市, not a 州 followed by 市)
        unit=re.compile(f"^([^{MASK}]{{1,{MAX_PLACE}}}?)({words})(?!{words}|省)"),
        any_unit=re.compile(words),
        province_anywhere=re.compile(provinces),
        kinds=kinds,
    )


@dataclass(frozen=True, slots=True)
class Units:
    """What the start of a name says: its province (if any) and the units after it."""

    province: str
    municipality: bool
    kinds: tuple[str, ...]
    places: tuple[str, ...]  # the place name of each unit
    rest: str  # the name after its units (the department; blanked department words)


def units_of(name: str) -> Units:
    """The administrative units ``name`` begins with."""
    r = rules()
    rest = r.department.sub(lambda m: MASK * len(m.group()), "".join(name.split()))
    found = r.province.match(rest)
    province = found.group() if found is not None else ""
    rest = rest[len(province) :]
    kinds, places = [], []
    while (unit := r.unit.match(rest)) is not None:
        kinds.append(r.kinds[unit.group(2)])
        places.append(unit.group(1))
        rest = rest[unit.end() :]
    municipality = province.startswith(r.municipalities) if province else False
    return Units(province, municipality, tuple(kinds), tuple(places), rest)


def infer_level(name: str) -> str | None:
    """The level key the agency's name shows, or None when it leaves room for doubt."""
    r = rules()
    u = units_of(name)
    if name.startswith(r.national):  # not a local office (国家税务总局某某市税务局)
        local = u.kinds or r.any_unit.search(u.rest) or r.province_anywhere.search(name)
        return None if local else "national"
    if r.any_unit.search(u.rest):  # a unit the rules could not read: not sure of any
        return None
    if not u.kinds:
        return "provincial" if u.province else None
    last, above = u.kinds[-1], u.kinds[:-1]
    under_city = any(k in ("city", "prefecture") for k in above)
    if last in ("township", "county"):
        return last
    if last == "prefecture" and not above and len(u.places[-1]) > 1:
        return "prefecture"  # 黔西南州; 杭州 is a city's name without its 市
    if last == "district" and (under_city or (u.municipality and not above)):
        return "county"
    if last == "city" and under_city:
        return "county"  # a county-level city under a city or 州
    return None
