"""What the dashboard shows: the member's portfolio, segment history, the attention list, charts.

    from linkedin.insights import attention, charts, portfolio
    mine = portfolio.portfolio_of(connection)         # every account and segment, cached per member
    todo = attention.collect(mine, now=time.time())
    fig = charts.match_rates(mine.frame())

Modules: ``portfolio`` (every ad account and every segment, read concurrently and cached
per member, never per token), ``history`` (a snapshot of status and counts each time a
segment is read), ``attention`` (what an analyst would otherwise miss: not serving under
300, not targetable, stuck builds, archive and expiry countdowns), ``charts`` (plotly
figures readable with 1 segment and with 500; match rates labelled as the last 7 days').
The match insights: ``funnel`` (an upload run, rows to audience size), ``visits`` (since
your last visit), ``mix`` (identifier mix against match rate), ``usage`` (campaigns that use
each segment), ``overlap`` (shared hashed ledger keys), ``insight_charts`` (their figures).

May import ``api``, ``linkedin.store`` and ``sync`` (runs, ledger, profiles: read only). Never imports ``tables``, a front
door or Streamlit; nothing here writes to LinkedIn.
"""
