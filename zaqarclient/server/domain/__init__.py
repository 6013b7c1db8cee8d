"""The server's rules, once: what Zaqar does with a request once a transport has read it.

Layers, from the wire inwards (imports only ever point down this list)::

    serving      runner, http_protocol, ws/protocol      sockets, parsing, limits
    adapters     app (HTTP pipeline), v2/, v1_1/, ws/    read arguments, shape answers
    domain       domain/*                                 Zaqar's rules and texts
    services     storage/, notify, signing, traces        what the rules act on

An adapter turns a transport's request into plain arguments (a
:class:`~zaqarclient.server.domain.target.Target`, ids, a decoded document,
numbers it parsed) and calls one operation of a service below; it turns the
result, or the :mod:`~zaqarclient.server.domain.errors` raised, into its
transport's answer. The services are built once per server by
:func:`~zaqarclient.server.services.build_services` and reach the adapters
through the request context (``ctx.services``, ``call.services``); no
operation receives the whole server.

* :mod:`.validation` -- Zaqar's ``transport/validation.py``: limits on
  names, TTLs, claims, queue metadata, subscriptions, page sizes.
* :mod:`.fields` -- typed reads of document fields (``checked_field``).
* :mod:`.placement` -- pooling: where a new queue may go, flavor
  capabilities, the health report.
* :mod:`.queues`, :mod:`.messages`, :mod:`.claims`,
  :mod:`.subscriptions`, :mod:`.shares`, :mod:`.catalogue` (pools and
  flavors) -- one service class per resource.
* :mod:`.patch` -- Zaqar's JSON-patch of queue metadata, pure.

Errors carry Zaqar's own texts. Where Zaqar's transports word the same
failure differently (HTTP's "Queue could not be created." against the
websocket's "Queue q could not be created."), the text is the adapter's and
the domain raises the transport-neutral error it maps. Where a transport's
behaviour differs in Zaqar itself (v1.1 posts ignore a queue's defaults, the
websocket measures a post by its Python repr), the difference is a
parameter of the domain call, named after what it changes.
"""
