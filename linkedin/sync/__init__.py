"""Keeping a segment in sync with a prepared table: the ledger, upload runs, plans and the sender.

    from linkedin.sync.upload import Sync, Target
    target = Target(segment_id, name, account_urn, "users")
    sync = Sync(client, store, prepared, target)
    plan = sync.plan("mirror")                        # what would be added, removed, kept
    run_id = sync.start(plan)                         # every key written down before the first batch
    run = sync.run(run_id)                            # batches of 5,000; resumable when stopped

Modules: ``plans`` (``Plan``, ``Keys``: what a sync would add, remove and keep, as sorted
key arrays), ``ledger`` (per LinkedIn and segment, the hashed keys LinkedIn accepted and what
removing each needs, a part at a time; ``Ledger.plan``), ``runs``
(``Run`` and ``Uploads``: every key of a run and its answer, where it stopped),
``sender`` (``Sender``: BATCH_CREATE calls, LinkedIn's per-element answers, pauses,
``Progress``), ``upload`` (``Sync`` and ``Target``: one table into one segment, the
per-row results, resuming without the file), ``outcomes`` (a run's rows counted from the
store, for a page, without a frame of every row), ``profiles`` (``Profile``: a run's counts
only, rows, valid, unique and the identifier mix, written when it starts), ``removals`` (what a
removal takes away: its preview, the identities it removed, and the run that adds them back).

May import ``api`` (the client, errors), ``tables`` (``Prepared``) and ``linkedin.store``.
Never imports ``insights``, a front door or Streamlit. Only hashes and LinkedIn's identifiers
reach the store in the clear; the names of a person sent by name only are sealed (``ledger``).
"""
