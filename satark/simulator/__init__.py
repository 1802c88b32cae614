"""WhatsApp Cloud API simulator: a fake of Meta's Graph API plus a browser "phone" page.

Standard library only. Run ``python -m satark.simulator --help``; in tests use
``satark.simulator.server.serve(config, port=0)``. Modules:

- ``config``: :class:`SimulatorConfig`; ``app``: ``make_app`` (WSGI) and routing
- ``graph``: Graph endpoints (messages, media upload/resolve/delete, ``/_media`` download)
- ``validate``: Meta's limits and error codes for send bodies
- ``state``: :class:`Simulator` (phones, chats, media, shiftable clock, statuses)
- ``inbound``: control requests -> Meta inbound message objects
- ``webhooks``: envelope, signing, background delivery with retries and a log
- ``control``: ``/_sim/api`` JSON API; ``ui``: the page; ``server``: threaded server + CLI
"""
