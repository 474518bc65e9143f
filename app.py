"""Entry point: the ASGI app (OAuth routes, the sandbox under /sandbox) and the page frame.

In sandbox mode the sandbox runs in a process of its own (started once, stopped at exit) and
/sandbox forwards to it (``linkedin/web/sandbox_proxy.py``): its work never stalls the pages.

``streamlit run app.py`` serves ``app`` (Streamlit's Starlette app with our routes)
and runs the script part below for every page view.
"""

import sys

import streamlit as st
from starlette.routing import Mount

from linkedin.api.settings import SettingsError
from linkedin.web import resources as context
from linkedin.web.routes import OAuthRoutes
from linkedin.web.sandbox_process import SandboxFailed


def _routes():
    try:
        settings = context.settings(st.get_option("server.port"))
    except SettingsError as err:  # refuse to start, in one sentence an operator can act on
        sys.exit(f"error: {err}")
    found = OAuthRoutes(lambda: settings, lambda: context.store(settings)).routes()
    if settings.sandbox and settings.api_base_url == settings.sandbox_base_url:
        try:
            found.append(Mount("/sandbox", app=context.sandbox_mount(settings)))
        except SandboxFailed as err:  # the demo cannot work without it: say why and stop
            sys.exit(f"error: {err}")
    return found


app = st.App(__file__, routes=_routes())

if st.runtime.exists():
    from ui import frame, memory, startup

    startup.freeze_imports()  # once per server process: see ui/startup.py
    startup.share_uploaded_bytes()  # a run's copy of the uploaded file shares its bytes (ui/startup.py)
    if startup.serving():  # not under AppTest: the test process keeps its allocators
        memory.server_allocators()  # freed tables go back to the system, whichever thread used them (ui/memory.py)
    frame.run()
