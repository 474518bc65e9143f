"""LinkedIn Matched Audiences: the library behind the app, the CLI and notebooks.

Never imports Streamlit. Modules are named after one noun each: ``config``, ``auth``,
``client``, ``restli``, ``errors``, ``connection``, ``store``, ``routes``; the
offline double of LinkedIn lives in ``linkedin.sandbox``.
"""
