"""Generate contact and company CSVs in LinkedIn's templates: large ones for benchmarks, and
the sample files in ``data/``.

    .venv/bin/python bench/make_data.py contacts  --rows 1000000 --out /tmp/contacts_1m.csv
    .venv/bin/python bench/make_data.py companies --rows 1000000 --out /tmp/companies_1m.csv
    .venv/bin/python bench/make_data.py samples   # rewrites data/contacts_sample.csv and data/companies_sample.csv

Large files are deterministic (``--seed``) and realistic enough to exercise every path of the
preparation: mixed case and stray spaces, about 3% duplicates (some differing only in case
or spacing), 1.5% invalid emails, a few pre-hashed emails, countries written as names,
partial names, some ad ids; companies with URLs in every form, page URLs in several shapes
(a fifth numeric), lower-case tickers, email domains, rows with a name only. About 1 µs a
row: a million rows in a few seconds.

The sample files draw most people and companies from the sandbox's synthetic populations
(seed 7), so uploading them to the sandbox gives a realistic match rate; the rest are
people and companies LinkedIn does not know.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import random
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CONTACT_HEADER = "email,firstname,lastname,jobtitle,employeecompany,country,googleaid"
COMPANY_HEADER = (
    "companyname,companywebsite,companyemaildomain,linkedincompanypageurl,stocksymbol,industry,city,state,"
    "companycountry,zipcode"
)
FIRST = ("Ada", "Bruno", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas", "Kofi", "Lena",
         "Mateus", "Nia", "Oskar", "Paula", "Quinn", "Rania", "Sven", "Tala", "Uma", "Viktor", "Wen", "Ximena",
         "Yosef", "Zoe", "Anne-Marie", "José", "Zoë", "Søren")
LAST = ("Abara", "Berg", "Castro", "Dahl", "Eriksen", "Fontaine", "Gallo", "Horvat", "Iqbal", "Jovanovic", "Kaur",
        "Lindqvist", "Moreno", "Novotny", "Ortiz", "Petrov", "Quispe", "Reyes", "Sato", "Toure", "Uddin", "Varga",
        "Wojcik", "Xu", "Yilmaz", "Zeller", "O'Brien", "van der Berg", "Müller", "Nguyễn")
TITLES = ("Marketing Manager", "VP Sales", "Data Analyst", "Head of Growth", "CTO", "Account Executive",
          "Chief Executive Officer", "Senior Vice President, Global Demand Generation and Field Marketing")
COMPANIES = ("Acme Corp", "Globex", "Initech", "Umbrella Group", "Hooli", "Stark Industries", "Wayne Enterprises",
             "Vandelay Industries", "Soylent GmbH", "Tyrell Holdings")
FREE = ("gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "gmx.de", "web.de")
COUNTRIES = ("US", "US", "GB", "DE", "FR", "IN", "BR", "NL", "CA", "ES", "us", "gb", "United States", "UK",
             "Deutschland", "usa", "France", "Narnia")
INDUSTRIES = ("Software Development", "Financial Services", "Retail", "Manufacturing", "Hospitals and Health Care")
PLACES = (("Austin", "TX", "73301"), ("Berlin", "Berlin", "10115"), ("London", "England", "EC1A 1BB"),
          ("Paris", "Ile-de-France", "75001"), ("Toronto", "ON", "M5H 2N2"))


_LETTERS = str.maketrans({"ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "đ": "d", "ł": "l"})


def _ascii(email: str) -> str:
    """An address as people make them from a name: accents dropped, no spaces or apostrophes."""
    folded = unicodedata.normalize("NFKD", email.translate(_LETTERS)).encode("ascii", "ignore").decode()
    return folded.replace(" ", "").replace("'", "")


def _cell(value: str) -> str:
    return f'"{value}"' if ("," in value or '"' in value) else value


def contacts(rows: int, seed: int = 1) -> bytes:
    """``rows`` contact rows (LinkedIn's template) with realistic problems, as CSV bytes."""
    rng = random.Random(seed)
    rand, choice = rng.random, rng.choice
    out = io.StringIO()
    out.write(CONTACT_HEADER + "\n")
    emails: list[str] = []
    for i in range(rows):
        first, last = choice(FIRST), choice(LAST)
        r = rand()
        if emails and r < 0.03:  # a duplicate, perhaps in other case or with spaces
            email = choice(emails[-5000:])
            email = email.upper() if rand() < 0.3 else f" {email}" if rand() < 0.3 else email
        elif r < 0.045:
            email = choice((f"{first}.{last}{i}.example.com", f"{first}@@x{i}.com", f"{first}{i}@gmail,com", f"{i}@"))
        elif r < 0.05:
            email = hashlib.sha256(f"prehashed{i}@example.com".encode()).hexdigest()
        else:
            domain = choice(FREE) if rand() < 0.55 else f"{choice(COMPANIES).split()[0].lower()}{i % 97}.com"
            email = _ascii(f"{first}.{last}{i}@{domain}")
            if rand() < 0.15:
                email = email.title()
            elif rand() < 0.03:
                email = f"  {email} "
            emails.append(email)
        has_name = rand() < 0.7
        out.write(",".join((
            _cell(email),
            first if has_name else "",
            last if has_name else "",
            _cell(choice(TITLES)) if rand() < 0.5 else "",
            choice(COMPANIES) if rand() < 0.6 else "",
            choice(COUNTRIES) if rand() < 0.6 else "",
            f"{rng.getrandbits(128):032x}" if rand() < 0.1 else "",
        )))
        out.write("\n")
    return out.getvalue().encode("utf-8")


def companies(rows: int, seed: int = 1) -> bytes:
    """``rows`` company rows (LinkedIn's template) with realistic mess, as CSV bytes."""
    rng = random.Random(seed)
    rand, choice = rng.random, rng.choice
    out = io.StringIO()
    out.write(COMPANY_HEADER + "\n")
    for i in range(rows):
        j = rng.randrange(i) if i and rand() < 0.03 else i  # about 3% repeat an earlier company
        base = f"{choice(COMPANIES).split()[0]} {j}"
        slug = base.lower().replace(" ", "-")
        domain = f"{slug}.com"
        website = ""
        if rand() < 0.7:
            website = choice((domain, f"www.{domain}", f"https://www.{domain}/", f"http://{domain}/about?x=1",
                              f"HTTPS://WWW.{domain.upper()}:443/", f"{domain}/contact"))
        page = ""
        if rand() < 0.4:
            ident = str(1000 + j) if rand() < 0.2 else slug
            page = choice((f"https://www.linkedin.com/company/{ident}/", f"linkedin.com/company/{ident}",
                           f"http://de.linkedin.com/company/{ident}/about/", f"www.linkedin.com/company/{ident}"))
        ticker = choice((slug[:4], slug[:4].upper(), f"NASDAQ:{slug[:3]}")) if rand() < 0.1 else ""
        city, state, zipcode = choice(PLACES) if rand() < 0.5 else ("", "", "")
        out.write(",".join((
            base if rand() < 0.95 else "",
            website,
            f"{slug}-mail.com" if rand() < 0.3 else "",
            page,
            ticker,
            choice(INDUSTRIES) if rand() < 0.5 else "",
            city, state,
            choice(COUNTRIES) if rand() < 0.6 else "",
            zipcode if rand() < 0.8 else "",
        )))
        out.write("\n")
    return out.getvalue().encode("utf-8")


# -- the sample files ----------------------------------------------------------------------------
def _write_csv(path: Path, header: str, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header.split(","))
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _sandbox_world():
    from linkedin.sandbox.world import World

    return World(seed=7)


def contacts_sample(rows: int = 400, seed: int = 7) -> list[list[str]]:
    """~70% sandbox members (some by work address), ~30% strangers, with realistic problems."""
    rng = random.Random(f"contacts-sample:{seed}")
    members = list(_sandbox_world().members)[3:]  # the demo members stay out of sample lists
    rng.shuffle(members)
    country_names = {"US": "United States", "GB": "UK", "DE": "Deutschland", "FR": "France", "NL": "Netherlands",
                     "IN": "India", "BR": "Brasil", "CA": "Canada", "ES": "España", "JP": "Japan", "SE": "Sweden",
                     "AU": "Australia"}
    out: list[list[str]] = []
    used = 0
    for i in range(rows):
        if rng.random() < 0.7:
            m = members[used]
            used += 1
            email = m.work_email if (m.work_email and rng.random() < 0.25) else m.email
            first, last, company, title, country = m.first_name, m.last_name, m.employer, m.title, m.country
            gaid = m.android_ad_id if rng.random() < 0.12 else ""
        else:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            company, title, country = rng.choice(COMPANIES), rng.choice(TITLES[:6]), rng.choice(("US", "GB", "DE"))
            email = _ascii(f"{first}.{last}{i}@{rng.choice(FREE + ('globex.com', 'initech.com'))}").lower()
            gaid = f"{rng.getrandbits(128):032x}" if rng.random() < 0.05 else ""
        r = rng.random()
        if r < 0.15:
            email = email.title()  # mixed case
        elif r < 0.25:
            email = f"  {email} "  # stray spaces
        elif r < 0.29:
            email = hashlib.sha256(email.strip().lower().encode()).hexdigest()  # pre-hashed
        elif r < 0.335:
            email = rng.choice((email.replace("@", " at "), email.replace(".", ",", 1) if "@" not in email.split(".")[0] else email.replace("@", "@@"),
                                email.split("@")[0], email.replace("@", "@@")))  # invalid
        if rng.random() < 0.06:
            title = "Senior Vice President of Global Demand Generation, Field and Partner Marketing"  # > 50
        if rng.random() < 0.03:
            first = "Maximiliana Alexandrina Konstantina Theodora"  # > 35
        if rng.random() < 0.2 and country in country_names:
            country = country_names[country]
        if rng.random() < 0.1:
            country = country.lower()
        if rng.random() < 0.1:
            first = ""  # no first name
        if gaid and rng.random() < 0.3:
            gaid = gaid.upper()
        out.append([email, first, last, title if rng.random() < 0.8 else "", company if rng.random() < 0.85 else "",
                    country if rng.random() < 0.9 else "", gaid])
    for k in range(16):  # exact and normalized duplicates
        src = list(out[rng.randrange(len(out))])
        if k % 2:
            src[0] = src[0].upper() if "@" in src[0] else src[0]
        out.insert(rng.randrange(len(out)), src)
    return out


def companies_sample(rows: int = 200, seed: int = 7) -> list[list[str]]:
    """~75% sandbox companies with every kind of mess, ~25% companies LinkedIn does not know."""
    rng = random.Random(f"companies-sample:{seed}")
    known = list(_sandbox_world().companies)
    rng.shuffle(known)
    country_names = {"US": "United States", "GB": "United Kingdom", "DE": "Germany", "FR": "France", "NL": "Holland",
                     "IN": "India", "BR": "Brazil", "CA": "Canada", "ES": "Spain", "JP": "Japan", "SE": "Sverige",
                     "AU": "Australia"}
    out: list[list[str]] = []
    used = 0
    for i in range(rows):
        if rng.random() < 0.75:
            c = known[used]
            used += 1
            name, domain, email_domain, slug, org = c.name, c.website_domain, c.email_domain, c.slug, c.id
            ticker, industry, city, state, country, zipcode = c.ticker, c.industry, c.city, c.state, c.country, c.postal_code
        else:
            word = rng.choice(("Quantum", "Nordic", "Lumen", "Arbor", "Vega", "Helix", "Onyx", "Sable"))
            name = f"{word} {rng.choice(('Labs', 'Partners', 'Works', 'Systems'))} {i}"
            domain = f"{word.lower()}{i}.com"
            email_domain, slug, org = domain, f"{word.lower()}-{i}", 0
            ticker, industry = "", rng.choice(INDUSTRIES)
            city, state, zipcode = rng.choice(PLACES)
            country = rng.choice(("US", "GB", "DE"))
        website = rng.choice((domain, f"www.{domain}", f"https://www.{domain}/", f"http://{domain}/about-us",
                              f"HTTPS://{domain.upper()}", f"https://{domain}:443/?utm_source=crm"))
        page = ""
        r = rng.random()
        if r < 0.35:
            page = rng.choice((f"https://www.linkedin.com/company/{slug}/", f"linkedin.com/company/{slug}",
                               f"https://uk.linkedin.com/company/{slug}/about/", f"http://www.linkedin.com/company/{slug}?trk=x"))
        elif r < 0.45 and org:
            page = rng.choice((f"https://www.linkedin.com/company/{org}/", f"urn:li:organization:{org}", str(org)))
        elif r < 0.48:
            page = f"https://www.linkedin.com/showcase/{slug}-news/"  # a showcase page: refused
        keys = rng.random()
        if keys < 0.18:
            website, page = "", ""  # name only
            email_domain = ""
        elif keys < 0.3:
            email_domain = ""
        elif keys < 0.36:
            website = ""  # email domain only
        else:
            email_domain = email_domain if rng.random() < 0.5 else ""
        if ticker and rng.random() < 0.5:
            ticker = ticker.lower()
        if rng.random() < 0.25 and country in country_names:
            country = country_names[country]
        if rng.random() < 0.04:
            website = rng.choice(("n/a", "acme", "info@" + domain))  # bad website
        out.append([name, website, email_domain, page, ticker, industry if rng.random() < 0.7 else "",
                    city if rng.random() < 0.6 else "", state if rng.random() < 0.5 else "",
                    country if rng.random() < 0.8 else "", zipcode if rng.random() < 0.4 else ""])
    for _ in range(8):  # duplicates: the same company again, its website written differently
        src = list(out[rng.randrange(len(out))])
        src[1] = src[1].upper()
        out.insert(rng.randrange(len(out)), src)
    for row in (  # nothing LinkedIn can match on
        ["", "", "gmail.com", "", "", "Retail", "Austin", "TX", "US", ""],
        ["", "", "", "https://www.linkedin.com/showcase/acme-news/", "", "", "", "", "", ""],
        ["", "n/a", "", "", "ACME", "", "Paris", "", "France", "75001"],
    ):
        out.insert(rng.randrange(len(out)), row)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("contacts", "companies", "samples"))
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, help="output file (contacts, companies)")
    args = parser.parse_args(argv)
    if args.what == "samples":
        _write_csv(ROOT / "data" / "contacts_sample.csv", CONTACT_HEADER, contacts_sample())
        _write_csv(ROOT / "data" / "companies_sample.csv", COMPANY_HEADER, companies_sample())
        print("wrote data/contacts_sample.csv and data/companies_sample.csv")
        return 0
    data = (contacts if args.what == "contacts" else companies)(args.rows, args.seed)
    out = args.out or Path(f"/tmp/{args.what}_{args.rows}.csv")
    out.write_bytes(data)
    print(f"wrote {out} ({args.rows:,} rows, {len(data) / 1e6:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
