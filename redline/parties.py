"""Who is the provider and who the customer: returns `Parties` with the words naming each.

Read from the preamble's defined names (`VENDOR, LLC ("Vendor")`, `("Velvetech," "we," "us," or
"our")`, `Customer: [Customer Name]`), else from the agreement's title ("<Brand> Master Service
Agreement"), else from who is most often the subject of "may"/"shall"/"will" besides the
customer. The user's names (`--provider`, `--customer`) always win.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import List, Optional, Sequence, Tuple

from rapidfuzz import fuzz

from redline.model import Parties

_HEAD = 8000
_CUSTOMER_WORDS = ("customer", "client", "subscriber", "buyer", "purchaser", "licensee", "you", "member", "principal", "account holder",
                   "city", "county", "company's customer")
_PROVIDER_WORDS = ("provider", "vendor", "supplier", "contractor", "carrier", "licensor", "seller",
                   "service provider", "we", "consultant", "operator")
_NOT_NAMES = {"agreement", "effective date", "services", "service", "the agreement", "order",
              "term", "msa", "party", "parties", "affiliate", "sow", "schedule", "exhibit",
              "confidential information", "customer data", "policies", "us", "our", "your",
              "effective", "this agreement"}
_PRONOUNS = {"us", "our", "your"}
_ORG = re.compile(r"\b(?:LLC|L\.L\.C|Inc|Corp|Corporation|Ltd|LP|L\.P|Company|Communications|Co|"
                  r"Technologies|Telecom|Group|Holdings|GmbH|PLC)\b\.?", re.I)
_QUOTED = re.compile(r"[\"“”']\s*([^\"“”']{1,40}?)\s*[,]?\s*[\"“”']")
_DEFINED = re.compile(
    r"([A-Za-z][A-Za-z0-9&.,' \-]{1,80}?)\s*\(\s*(?:the\s+|an?\s+|each\s+a\s+|hereinafter\s+(?:referred\s+to\s+as\s+)?)?"
    r"((?:[\"“][^\"”“]{1,40}[\"”][,\s]*(?:or\s+|and\s+)?){1,6})\)")
_LABEL = re.compile(r"(?im)^\s*(Customer|Provider|Vendor|Supplier|Client|Buyer|Purchaser|Seller|Subscriber|"
                    r"Licensee|Licensor|Contractor|Carrier|Service\s+Provider)\s*:\s*(\S[^\n]{0,200})$")
# "We", "us" and "our" mean ...; "You" and "your" mean ...
_PRONOUN_DEF = re.compile(r"[\"“](we|you)[\"”][^.\n]{0,60}?\b(?:means?|refers?\s+to|is|are)\b", re.I)
# Name
# - hereinafter referred to as "Contractor" -     (a defined role outside brackets)
_HEREINAFTER = re.compile(r"hereinafter\s+(?:referred\s+to\s+as\s+|called\s+)?(?:the\s+)?[\"“]([^\"”\n]{1,40})[\"”]", re.I)
# In these terms, "Tallis" is Tallis Wireless Corp. and "Account Holder" is the business that ...
_QUOTED_DEF = re.compile(r"[\"“]([A-Z][\w .&-]{1,30}?)[\"”]\s+(?:is|means|refers\s+to)\s+")
_DETERMINER = re.compile(r"^(?:The|This|Such)\s+")
_TITLE = re.compile(r"\b([A-Z][A-Za-z0-9&]+(?:[ \t]+[A-Z0-9][A-Za-z0-9&]*){0,2})[ \t]+(?:MASTER|Master)\s+"
                    r"(?:SERVICES?|Services?)\s+(?:AGREEMENT|Agreement)")
_SUBJECT = re.compile(r"\b((?:[A-Z][A-Za-z0-9&]*|AT&T)(?:\s+[A-Z0-9][A-Za-z0-9&]*){0,2})(?:['’]s)?\s+"
                      r"(?:may|shall|will|reserves|must|agrees|can)\b")


def _role(aliases: Sequence[str]) -> Optional[str]:
    low = {a.lower() for a in aliases}
    if low & set(_CUSTOMER_WORDS):
        return "customer"
    if low & set(_PROVIDER_WORDS):
        return "provider"
    return None


def _clean_name(name: str) -> str:
    cut = re.sub(r"^.*\b(?:between|and|by|with)\s+", "", name.strip(), flags=re.I)
    name = cut or name
    return name.strip(" ,.;:")


def _defined_parties(head: str, loose: bool = False) -> List[Tuple[str, Tuple[str, ...]]]:
    """Return [(name, aliases)] of the parties the preamble defines. `loose`: also a name with no
    role word and no "between" when its short name is a word of it (`Hollis Health ("Hollis")`)."""
    out = []
    for m in _DEFINED.finditer(head):
        aliases = tuple(a.strip(" ,") for a in _QUOTED.findall(m.group(2)) if a.strip(" ,"))
        if not aliases or any(a.lower() in _NOT_NAMES - _PRONOUNS for a in aliases):
            continue
        name = _clean_name(m.group(1))
        if not name or name.lower() in _NOT_NAMES:
            continue
        between = re.search(r"\b(?:between|entered\s+into|by\s+and)\b", head[max(0, m.start() - 300):m.end()], re.I)
        own = loose and all(a[:1].isupper() and name.lower().startswith(a.lower()) for a in aliases)
        if _role(aliases) is None and _role([name]) is None and not own and not (
                between and (_ORG.search(name) or all(a[:1].isupper() for a in aliases))):
            continue
        out.append((name, aliases))
    return out


def _pick(parties) -> Tuple[Optional[Tuple[str, tuple]], Optional[Tuple[str, tuple]]]:
    provider = customer = None
    for name, aliases in parties:
        role = _role(aliases) or _role([name])
        if role == "customer" and customer is None:
            customer = (name, aliases)
        elif role == "provider" and provider is None:
            provider = (name, aliases)
    unassigned = [p for p in parties if p is not customer and p is not provider and _role(p[1]) is None]
    if provider is None and unassigned:
        provider = unassigned.pop(0)
    if customer is None and unassigned:
        customer = unassigned[0]
    return provider, customer


def _short(name: str, aliases: Sequence[str]) -> str:
    for a in aliases:
        if a.lower() not in ("we", "us", "our", "ours", "you", "your", "yours"):
            return a
    if name[:1].isupper():
        return name
    return "Customer" if _role(aliases) == "customer" else "Provider"


def detect(agreement, *, provider=None, customer=None) -> Parties:
    """Return the `Parties` of `agreement`; names given by the user win."""
    text = agreement.text
    head = text[:_HEAD]
    found = _defined_parties(head)
    prov, cust = _pick(found)
    if (prov is None) != (cust is None):
        # one side named by its role ("the Supplier"): the other is the party the preamble
        # defines by a short form of its own name
        known = prov or cust
        others = [p for p in _defined_parties(head[:1500], loose=True)
                  if p[0] != known[0] and _role(p[1]) is None and _role([p[0]]) is None]
        if others:
            if prov is None:
                prov = others[0]
            else:
                cust = others[0]
    if prov and cust and _role(prov[1]) is None and _role([prov[0]]) is None \
            and _role(cust[1]) is None and _role([cust[0]]) is None \
            and _supplier_score(text, cust) > _supplier_score(text, prov):
        prov, cust = cust, prov  # two brand names: the one that supplies is the provider
    prov_aliases: List[str] = []
    cust_aliases: List[str] = []
    if prov:
        prov_aliases += [prov[0], *prov[1]] if prov[0][:1].isupper() else list(prov[1])
    if cust:
        cust_aliases += [cust[0], *cust[1]] if cust[0][:1].isupper() else list(cust[1])
    for label, value in _LABEL.findall(head):
        role = _role([label])
        side = cust_aliases if role == "customer" else prov_aliases
        # "Supplier: Acme Data Ltd (\"Acme\")": the label names the role, the value the party
        quoted = [a for a in _QUOTED.findall(value) if a.strip() and a.lower() not in _NOT_NAMES
                  and _role([a]) in (None, role)]
        if quoted and not side:
            side.extend(q.strip() for q in quoted)
        side.append(" ".join(label.split()))
    for m in list(_HEREINAFTER.finditer(head)) + list(_QUOTED_DEF.finditer(head[:2000])):
        alias = m.group(1).strip()
        role = _role([alias])
        side = cust_aliases if role == "customer" else prov_aliases if role == "provider" else None
        if side is not None and alias.lower() not in {a.lower() for a in side}:
            side.append(alias)
    for word in {m.group(1).lower() for m in _PRONOUN_DEF.finditer(head)}:
        side = cust_aliases if word == "you" else prov_aliases
        if word not in {a.lower() for a in side}:
            side.append(word)
    brand = _TITLE.search(text[:3000])
    if brand:
        word = brand.group(1).split()[-1] if len(brand.group(1).split()) > 1 else brand.group(1)
        word = brand.group(1).strip()
        if _role([word]) is None and word.lower() not in {a.lower() for a in cust_aliases} \
                and word.upper() not in ("THE", "THIS") and _like_provider(word, prov_aliases):
            prov_aliases.append(word)
    if not cust_aliases and re.search(r"\bCustomer\b", text):
        cust_aliases.append("Customer")
    if not prov_aliases:
        counts = Counter()
        for m in _SUBJECT.finditer(text[:200000]):
            w = _DETERMINER.sub("", m.group(1))
            if not w[:1].isupper():
                continue
            if _role([w]) == "customer" or w.lower() in _NOT_NAMES or w.lower() in ("either party", "neither party",
                                                                                     "each party", "the parties"):
                continue
            if w.split()[0] in ("The", "This", "Such", "Any", "Each", "If", "No", "All", "Either", "Neither"):
                continue
            counts[w] += 1
        if counts:
            prov_aliases.append(counts.most_common(1)[0][0])
    if not prov_aliases and re.search(r"\bProvider\b", text):
        prov_aliases.append("Provider")
    # "we"/"you" drafting
    low_c = {a.lower() for a in cust_aliases}
    if "you" in low_c:
        cust_aliases += ["you", "your", "yours"]
        prov_aliases += ["we", "us", "our", "ours"]
    elif "we" in {a.lower() for a in prov_aliases}:
        prov_aliases += ["we", "us", "our"]
    # names used in the body in a shorter or upper-case form
    for aliases in (prov_aliases, cust_aliases):
        for a in list(aliases):
            core = re.sub(r",?\s+(?:LLC|L\.L\.C|Inc|Corp|Corporation|Ltd|LP|L\.P)\.?$", "", a, flags=re.I).strip(" ,.")
            if core and core != a:
                aliases.append(core)
    prov_name = provider or (_short(prov[0], prov[1]) if prov else (prov_aliases[0] if prov_aliases else "Provider"))
    cust_name = customer or (_short(cust[0], cust[1]) if cust else (cust_aliases[0] if cust_aliases else "Customer"))
    # The user's names win. A name the text uses for the other side means the roles were read the
    # wrong way round: swap the alias lists, then put the user's names first.
    if (provider and _names(provider, cust_aliases)) or (customer and _names(customer, prov_aliases)):
        prov_aliases, cust_aliases = cust_aliases, prov_aliases
    if provider:
        prov_aliases.insert(0, provider)
    if customer:
        cust_aliases.insert(0, customer)
    if not prov_aliases:
        prov_aliases = ["Provider"]
    if not cust_aliases:
        cust_aliases = ["Customer"]
    return Parties(provider=prov_name, customer=cust_name,
                   provider_aliases=_dedupe(prov_aliases, cust_aliases),
                   customer_aliases=_dedupe(cust_aliases, prov_aliases),
                   guessed=not (provider or customer))


_SUPPLIES = r"\s+(?:shall|will|must|agrees\s+to)\s+(?:\w+\s+)?(?:provide|supply|deliver|furnish|install|maintain|perform|operate)\b"
_PAYS = r"\s+(?:shall|will|must|agrees\s+to)\s+(?:\w+\s+)?(?:pay|reimburse)\b"


def _supplier_score(text: str, party) -> int:
    """Return how much more often `party` supplies the services than it pays for them."""
    names = [a for a in (party[0], *party[1]) if a and a.lower() not in _PRONOUNS | {"we", "you"}]
    if not names:
        return 0
    alt = "(?:" + "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True)) + ")"
    body = text[:200000]
    supplies = len(re.findall(r"\b" + alt + _SUPPLIES, body, re.I))
    pays = len(re.findall(r"\b" + alt + _PAYS, body, re.I))
    return supplies - pays


def _like_provider(brand: str, aliases: Sequence[str]) -> bool:
    """Return True when the title's `brand` can be the provider's (no provider named yet, or alike)."""
    names = [a for a in aliases if a.lower() not in ("we", "us", "our", "provider")]
    if not names:
        return True
    b = brand.lower()
    return any(b in a.lower() or a.lower() in b or fuzz.ratio(b, a.lower()) >= 70 for a in names)


def _names(name: str, aliases: Sequence[str]) -> bool:
    """Return True when `name` is (or contains) one of `aliases`, ignoring case and punctuation."""
    key = re.sub(r"[^a-z0-9&]+", " ", name.lower()).strip()
    for a in aliases:
        k = re.sub(r"[^a-z0-9&]+", " ", a.lower()).strip()
        if k and len(k) > 2 and (k == key or re.search(r"\b" + re.escape(k) + r"\b", key)):
            return True
    return False


def _dedupe(aliases: Sequence[str], other: Sequence[str]) -> Tuple[str, ...]:
    seen = set()
    other_low = {o.lower() for o in other[:1]}
    out = []
    for a in aliases:
        a = " ".join(a.split()).strip(" ,.")
        key = a.lower()
        if not a or key in seen or (key in other_low and a not in aliases[:1]):
            continue
        seen.add(key)
        out.append(a)
    return tuple(out)
