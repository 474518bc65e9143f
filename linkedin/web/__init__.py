"""The app's server side beside its Streamlit pages: the OAuth routes and the objects the
routes and the pages share.

    from linkedin.web import resources
    from linkedin.web.routes import OAuthRoutes
    settings = resources.settings()
    OAuthRoutes(lambda: settings, lambda: resources.store(settings)).routes()

Modules: ``routes`` (Starlette handlers: consent start, callback, logout, adopt),
``sessions`` (a browser's session id and its cookies: shapes, names, signing, the
Disconnect CSRF token, the hand-over of a replaced id to a tab), ``resources`` (the
process-wide settings, store and sandbox, made once per process), ``sandbox_process``
(the built-in sandbox in a process of its own: started once, stopped with the app) and
``sandbox_proxy`` (``/sandbox`` in the app, forwarding to that process).

A front door: may import ``api``, ``linkedin.store`` and the sandbox. Never imports
Streamlit (``app.py`` mounts the routes) and never holds a member's object: a member's
tokens are found through the session id in their cookie.
"""
