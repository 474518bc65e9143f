"""Strict validation of one /users or /companies batch element (linkedin-api.md §6, §7).

Each check returns the parsed element or a message for the per-element 400. Messages
never echo an idValue: a raw email sent by mistake must not come back in a response."""

from __future__ import annotations

import re
from typing import Any

from .matching import company_name_key, name_key, page_key
from .settings import SandboxSettings

ACTIONS = ("ADD", "REMOVE")
ID_TYPES = ("SHA256_EMAIL", "SHA512_EMAIL", "GOOGLE_AID", "APPLE_IDFA")
USER_FIELDS = frozenset({"action", "userIds", "firstName", "lastName", "title", "company", "country"})
USER_LIMITS = {"firstName": 35, "lastName": 35, "title": 50, "company": 50}
COMPANY_IDENTIFIERS = ("companyName", "companyWebsiteDomain", "companyEmailDomain", "organizationUrn", "companyPageUrl")
COMPANY_FIELDS = frozenset({"action", *COMPANY_IDENTIFIERS, "stockSymbol", "industries", "city", "state", "country",
                            "postalCode"})
COMPANY_LIMITS = {"companyName": 100, "city": 100, "state": 100, "postalCode": 20}

# ISO 3166-1 alpha-2, officially assigned codes.
COUNTRIES = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO
JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR
MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO
RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV
TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
""".split())

_LOWER_HEX = {64: re.compile(r"[0-9a-f]{64}").fullmatch, 128: re.compile(r"[0-9a-f]{128}").fullmatch}
_ANY_HEX = re.compile(r"[0-9a-fA-F]+").fullmatch
_GOOGLE_AID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").fullmatch
_BARE_AID = re.compile(r"[0-9a-f]{32}").fullmatch
_APPLE_IDFA = re.compile(r"[0-9A-F]{8}-?[0-9A-F]{4}-?[0-9A-F]{4}-?[0-9A-F]{4}-?[0-9A-F]{12}").fullmatch
_DOMAIN = re.compile(r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})",
                     re.IGNORECASE).fullmatch
_ORG_URN = re.compile(r"urn:li:organization:\d+").fullmatch
_TICKER = re.compile(r"[A-Z0-9][A-Z0-9.\-]{0,9}").fullmatch

UserElement = tuple[str, list[tuple[str, str]], Any, Any, Any]  # action, ids, first, last, company


class Rules:
    """The settings an element is checked against, read once per batch."""

    def __init__(self, settings: SandboxSettings) -> None:
        self.id_types = ID_TYPES if settings.apple_idfa_accepted else ID_TYPES[:3]
        self.bare_aid = settings.google_aid_without_hyphens
        self.stock_symbol = settings.stock_symbol
        self.industries = settings.industries_shape
        self.name_only = settings.name_only_users == "accept"


def _hash_problem(id_type: str, value: str, length: int) -> str | None:
    if _LOWER_HEX[length](value):
        return None
    if len(value) == length and _ANY_HEX(value):
        return f"{id_type} idValue must be lower-case hex"
    return f"{id_type} idValue must be {length} hexadecimal characters"


def _id_problem(id_type: str, value: str, rules: Rules) -> str | None:
    if id_type == "SHA256_EMAIL":
        return _hash_problem(id_type, value, 64)
    if id_type == "SHA512_EMAIL":
        return _hash_problem(id_type, value, 128)
    if id_type == "GOOGLE_AID":
        if value != value.lower():
            return "GOOGLE_AID idValue must be lower case"
        if _GOOGLE_AID(value) or (rules.bare_aid and _BARE_AID(value)):
            return None
        return "GOOGLE_AID idValue must be a UUID in its 8-4-4-4-12 form (lower-case hex digits and hyphens)"
    if _APPLE_IDFA(value):
        return None
    return "APPLE_IDFA idValue must be an upper-case UUID"


def _optional_text(element: dict[str, Any], limits: dict[str, int]) -> str | None:
    for name, limit in limits.items():
        value = element.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            return f"{name} must be a string"
        if len(value) > limit:
            return f"{name} must be at most {limit} characters"
    country = element.get("country")
    if country is not None and (not isinstance(country, str) or country not in COUNTRIES):
        return "country must be an ISO 3166-1 alpha-2 code in upper case, such as US"
    return None


def _unknown(element: dict[str, Any], allowed: frozenset[str]) -> str | None:
    extra = sorted(set(element) - allowed)
    return f"unrecognized field {extra[0]!r}" if extra else None


_FAST_HASH = {"SHA256_EMAIL": _LOWER_HEX[64], "SHA512_EMAIL": _LOWER_HEX[128]}


def check_user(element: Any, rules: Rules) -> UserElement | str:
    """A person element as (action, [(idType, idValue)], firstName, lastName, company)."""
    # Fast path for the bulk of big uploads: {"action", "userIds": [one valid hash]}.
    if type(element) is dict and len(element) == 2:
        user_ids = element.get("userIds")
        if type(user_ids) is list and len(user_ids) == 1 and element.get("action") in ACTIONS:
            user_id = user_ids[0]
            if type(user_id) is dict and len(user_id) == 2:
                id_type, value = user_id.get("idType"), user_id.get("idValue")
                valid = _FAST_HASH.get(id_type)
                if valid is not None and type(value) is str and valid(value):
                    return element["action"], [(id_type, value)], None, None, None
    if type(element) is not dict:
        return "each element must be a JSON object"
    action = element.get("action")
    if action not in ACTIONS:
        return "action must be ADD or REMOVE"
    if not element.keys() <= USER_FIELDS:
        return _unknown(element, USER_FIELDS)
    user_ids = element.get("userIds")
    if user_ids in (None, []) and rules.name_only:
        # [P] "No valid ID -> names required" (Tealium): a person known by name alone is kept
        # under a NAME pseudo-id so that a later REMOVE by the same names finds them.
        first, last = element.get("firstName"), element.get("lastName")
        if not (isinstance(first, str) and first.strip() and isinstance(last, str) and last.strip()):
            return "without userIds, firstName and lastName are required"
        problem = _optional_text(element, USER_LIMITS)
        if problem:
            return problem
        company = element.get("company") if isinstance(element.get("company"), str) else ""
        pseudo = "\t".join((name_key(first), name_key(last), company_name_key(company)))
        return action, [("NAME", pseudo)], first, last, element.get("company")
    if type(user_ids) is not list or not user_ids:
        return "userIds must be a non-empty array of {idType, idValue}"
    ids: list[tuple[str, str]] = []
    for user_id in user_ids:
        if type(user_id) is not dict or len(user_id) != 2:
            return "each userIds entry must be exactly {idType, idValue}"
        id_type, value = user_id.get("idType"), user_id.get("idValue")
        if id_type not in rules.id_types:
            return f"idType must be one of {', '.join(rules.id_types)}"
        if type(value) is not str:
            return f"{id_type} idValue must be a string"
        problem = _id_problem(id_type, value, rules)
        if problem:
            return problem
        ids.append((id_type, value))
    if len(element) > 2:
        problem = _optional_text(element, USER_LIMITS)
        if problem:
            return problem
    return action, ids, element.get("firstName"), element.get("lastName"), element.get("company")


def check_company(element: Any, rules: Rules) -> tuple[str, dict[str, Any]] | str:
    """A company element as (action, element); at least one identifier is required."""
    if type(element) is not dict:
        return "each element must be a JSON object"
    action = element.get("action")
    if action not in ACTIONS:
        return "action must be ADD or REMOVE"
    allowed = COMPANY_FIELDS if rules.stock_symbol != "rejected" else COMPANY_FIELDS - {"stockSymbol"}
    if not element.keys() <= allowed:
        return _unknown(element, allowed)
    for name in (*COMPANY_IDENTIFIERS, "stockSymbol"):
        value = element.get(name)
        if value is not None and not isinstance(value, str):
            return f"{name} must be a string"
    if not any((element.get(name) or "").strip() for name in COMPANY_IDENTIFIERS):
        return f"at least one of {', '.join(COMPANY_IDENTIFIERS)} is required"
    for name in ("companyWebsiteDomain", "companyEmailDomain"):
        value = element.get(name)
        if value and not _DOMAIN(value.strip()):
            return f"{name} must be a bare domain such as example.com (no scheme, path or port)"
    urn = element.get("organizationUrn")
    if urn and not _ORG_URN(urn):
        return "organizationUrn must be urn:li:organization:<id>"
    page = element.get("companyPageUrl")
    if page and page_key(page) is None:
        return "companyPageUrl must be https://www.linkedin.com/company/<name or id>"
    ticker = element.get("stockSymbol")
    if ticker and rules.stock_symbol == "accepted" and not _TICKER(ticker):
        return "stockSymbol must be an upper-case ticker such as MSFT"
    industries = element.get("industries")
    if industries is not None:
        as_string = isinstance(industries, str)
        as_list = isinstance(industries, list) and all(isinstance(i, str) for i in industries)
        if rules.industries == "string" and not as_string:
            return "industries must be a string"
        if rules.industries == "list" and not as_list:
            return "industries must be an array of strings"
        if not (as_string or as_list):
            return "industries must be a string or an array of strings"
    problem = _optional_text(element, COMPANY_LIMITS)
    if problem:
        return problem
    return action, element
