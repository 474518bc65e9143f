"""LinkedIn's HTTP contract: settings, OAuth, transport and Rest.li, errors, the connection,
ad accounts and DMP segments.

    from linkedin.api import accounts, segments
    from linkedin.api.connection import Connection
    from linkedin.api.settings import load
    conn = Connection(load(), store, sid)            # tokens kept in the local store
    client = conn.client()                           # renews tokens, retries, pages
    mine = accounts.load(client)                     # ad accounts with the member's role
    found, problems = segments.find_by_account(client, mine.accounts[0].urn)

Modules: ``settings`` (where LinkedIn is, who we are to it), ``errors`` (``LinkedInError``
and its tree, ``error_from_response``), ``restli`` (Rest.li 2.0 query encoding), ``client``
(``Client``: versioned headers, retries, paging; ``TokenProvider``), ``waits`` (the 429
rule, Retry-After, the countdown every wait is reported as), ``oauth`` (consent URL, code
exchange, refresh, introspection, ``Heartbeat``), ``connection`` (one session's tokens:
renewal, heartbeat, when only consent helps), ``accounts`` and ``segments`` (the
Marketing API's readers and their parsing), ``segment_numbers`` (what the numbers mean:
the match rate over LinkedIn's 7-day window, readiness as targetable and serving), ``segment_creation``
(creating a segment exactly once, even when LinkedIn's answer is lost).

May import: the standard library, requests / requests-oauthlib, ``linkedin.store`` (the
connection keeps its tokens there) and the sandbox's public demo registration (the
settings' sandbox mode). Never imports ``tables``, ``sync``, ``insights`` or any front
door; no module here knows what a table or an upload run is.
"""
