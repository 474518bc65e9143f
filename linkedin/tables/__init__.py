"""From an analyst's table to LinkedIn's batch elements, with no network at all.

    from linkedin.tables.preparation import prepare
    prepared = prepare("contacts.csv", "users")       # a path, bytes, a DataFrame or a Table
    prepared.quality                                  # the report read before anything is sent
    for rows, batch in prepared.batches("ADD"): ...   # elements in LinkedIn's exact shape

Modules, in the order an upload crosses them: ``reader`` (CSV, Excel, pasted text or a
DataFrame into a ``Table`` of strings), ``columns`` (which column feeds which LinkedIn
field: ``ColumnMap``, ``guess_columns``, the templates), ``checks`` (``Checked``: one
column after checking, and the array helpers every checker shares), ``identifiers``
(emails, ad ids, names and every people field), ``companykeys`` and ``urls`` (websites,
email domains, page URLs, organization ids, tickers; ``substrings``, the spans ``urls`` cuts),
``countries``, ``digests``
(SHA-256 of whole columns), ``identity`` (each row's identity, its ledger key,
deduplication), ``quality`` (the report), ``elements`` (LinkedIn's element fields and
their builder), ``preparation`` (``prepare``, tying the above together), ``prepared``
(``Prepared``, the result), ``templates`` (LinkedIn's CSV templates written back).

May import: the standard library, pyarrow, numpy, pandas, DuckDB, openpyxl, idna. Never
imports ``api``, ``sync``, ``insights`` or a front door: nothing here makes a network
call, knows a token, or writes to disk. Raw emails exist here only in memory.
"""
