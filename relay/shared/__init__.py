"""What several relays behind one load balancer share, beyond their PostgreSQL database.

- ``published``: a publish through one relay reloads the published state on every other
  (PostgreSQL ``LISTEN``/``NOTIFY``, sent in the publish's own transaction).
- ``link``: one Redis connection for the rest (``--redis-url``): live messages and typing
  notices fanned out to the relay that holds a shopper's stream, presence, rate limits.
- ``limits`` and ``presence``: the request rate limits and "a console is connected", kept in
  Redis / announced over it.

Without Redis each relay keeps these to itself; when Redis stops answering a relay goes on
alone (its own streams, limits and presence), logs it once and says so in ``/readyz``.
"""
