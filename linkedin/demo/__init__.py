"""The client's side of the built-in sandbox: serving it in this process, signing in as a demo
member, pressing its controls.

    from linkedin.demo.server import LocalSandbox
    from linkedin.demo.signin import connect
    sandbox = LocalSandbox().start()                  # uvicorn in a background thread
    conn = connect(sandbox.url, store, member="Avery Analyst")

Modules: ``server`` (``LocalSandbox``, ``free_port``), ``signin`` (the sandbox's consent
screen walked over HTTP: ``login``, ``connect``, ``reconnect``), ``controls``
(``SandboxControl``: expire, revoke, clock, faults over ``/_sandbox/``).

May import ``api``, ``linkedin.store`` and ``linkedin.sandbox`` (to serve it). The
sandbox itself (``linkedin.sandbox``) imports nothing of the client; only this package
and the web resources bring the two together. Every function here refuses real
LinkedIn's settings: its consent needs a person.
"""
