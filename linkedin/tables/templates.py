"""Templates: the rows to send written back as LinkedIn's own Campaign Manager CSV templates,
for analysts who also upload by hand (``USER_TEMPLATE``, ``COMPANY_TEMPLATE`` in ``columns``).

A row with nothing the template has a column for (a contact known only by an Apple IDFA) is
left out rather than written blank; a Google ad id is written as LinkedIn's template takes it,
the lower-case 8-4-4-4-12 UUID, whatever form the frame given holds it in."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from linkedin.tables import companykeys, exports
from linkedin.tables.columns import COMPANY_TEMPLATE, KINDS, USER_TEMPLATE, USERS
from linkedin.tables.prepared import Prepared


def export_template(prepared_or_frame: Prepared | pd.DataFrame, kind: str | None = None) -> bytes:
    """The rows to send as LinkedIn's Campaign Manager template CSV (UTF-8, exact header row).

    Contacts: the email column holds the SHA-256 hash (LinkedIn accepts hashed emails there;
    raw addresses are never kept). Companies: the page URL column falls back to the numeric
    page of an organization URN. LinkedIn takes at most 300,000 rows per file (§9)."""
    if isinstance(prepared_or_frame, Prepared):
        kind = kind or prepared_or_frame.kind
        data = prepared_or_frame.data
    else:
        if kind is None:
            raise ValueError("kind is needed with a DataFrame")
        data = pa.Table.from_pandas(prepared_or_frame, preserve_index=False)
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")

    def col(name: str) -> pa.Array:
        if name in data.column_names:
            return data.column(name).cast(pa.string())
        return pa.nulls(data.num_rows, pa.string())

    if kind == USERS:
        values = [col("SHA256_EMAIL"), col("firstName"), col("lastName"), col("title"), col("company"),
                  col("country"), google_aids(col("GOOGLE_AID"))]
        header = USER_TEMPLATE
    else:
        org_page = pc.binary_join_element_wise(
            companykeys.PAGE_URL_PREFIX, pc.utf8_slice_codeunits(col("organizationUrn"), len(companykeys.ORGANIZATION_PREFIX)), ""
        )
        values = [col("companyName"), col("companyWebsiteDomain"), col("companyEmailDomain"),
                  pc.coalesce(col("companyPageUrl"), org_page), col("stockSymbol"), col("industries"), col("city"),
                  col("state"), col("country"), col("postalCode")]
        header = COMPANY_TEMPLATE
    # pandas quotes only what needs quoting and leaves the header row exactly as LinkedIn wrote it.
    table = pa.table(values, names=list(header))
    table = table.filter(_filled(table))  # a blank line is a row LinkedIn would count and refuse
    frame = table.to_pandas()
    return exports.to_csv(frame)  # formula-like cells neutralized; hashes and ids never are


_BARE_UUID = r"^([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$"


def google_aids(values: pa.Array) -> pa.Array:
    """Android ad ids as the template's ``googleaid`` column takes them: lower case, 8-4-4-4-12.

    Prepared rows hold them so already; a frame given by hand may hold 32 bare or upper-case
    digits. A value that is no UUID is written as it is (preparation refuses those)."""
    bare = pc.utf8_lower(pc.replace_substring(pc.utf8_trim_whitespace(values), "-", ""))
    uuid = pc.fill_null(pc.match_substring_regex(bare, _BARE_UUID), False)
    return pc.if_else(uuid, pc.replace_substring_regex(bare, _BARE_UUID, r"\1-\2-\3-\4-\5"), values)


def _filled(table: pa.Table) -> pa.Array:
    """Per row: some cell holds text (not null, not empty)."""
    filled = pa.array([False] * table.num_rows, pa.bool_())
    for column in table.columns:
        filled = pc.or_(filled, pc.fill_null(pc.greater(pc.utf8_length(column), 0), False))
    return filled
