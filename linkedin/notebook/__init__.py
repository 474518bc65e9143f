"""The notebook API and what a caller without a UI needs: ``Audiences``, sign-in in a browser,
one upload under a progress bar, small reports.

    from linkedin import Audiences                    # = linkedin.notebook.audiences.Audiences
    aud = Audiences.sandbox()                         # or Audiences.connect()
    aud.segments(); aud.sync(df, segment=123, mode="mirror")

Modules: ``audiences`` (``Audiences``: DataFrames in, DataFrames and reports out), ``health``
(a given token checked live),
``inputs`` (``BadInput`` and the usual spellings of a kind or a segment), ``login``
(LinkedIn's consent in the browser back to a loopback address), ``job`` (one upload: the
segment checked, the run written, sent), ``progressbar`` (tqdm fed by ``Progress``),
``reports`` (``Check``, ``SyncPlan``, ``SyncResult``, ``Health``).

A front door: may import every library package. The CLI (``linkedin.cli``) is built on
it. Never imports Streamlit.
"""
