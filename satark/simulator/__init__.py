"""WhatsApp Cloud API simulator: a fake of Meta's Graph API plus a browser "phone" page.

Standard library only. Run ``python -m satark.simulator --help``; in tests use
``satark.simulator.server.serve(config, port=0)``. Modules:

- ``config``: :class:`SimulatorConfig`; ``app``: ``make_app`` (WSGI) and routing
- ``graph``: Graph endpoints (messages, media upload/resolve/delete, ``/_media`` download)
- ``graph_manage``: ``message_templates`` and ``message_qrdls`` endpoints
- ``validate``: Meta's limits and error codes for send bodies
- ``templates``: template store, review states, strict send checks (132000/132001/...)
- ``qrcodes``: QR code store and placeholder images
- ``pacing``: pair rate limit (131056); ``faults``: injected errors, 429/5xx, timeouts
- ``state``: :class:`Simulator` (phones, chats, media, shiftable clock, statuses)
- ``inbound``: control requests -> Meta inbound message objects
- ``webhooks``: envelope and signing; ``dispatch``: delivery pool, retries, log;
  ``holding``: batched/reordered delivery modes
- ``load``: load generator for benchmarks (``POST /_sim/api/load``)
- ``control``: ``/_sim/api`` JSON API; ``ui``: the page; ``server``: threaded server + CLI
"""
