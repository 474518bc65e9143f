"""Templates: the rows to send written back as LinkedIn's own Campaign Manager CSV templates,
for analysts who also upload by hand (``USER_TEMPLATE``, ``COMPANY_TEMPLATE`` in ``columns``)."""

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
                  col("country"), col("GOOGLE_AID")]
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
    frame = pa.table(values, names=list(header)).to_pandas()
    return exports.to_csv(frame)  # formula-like cells neutralized; hashes and ids never are
