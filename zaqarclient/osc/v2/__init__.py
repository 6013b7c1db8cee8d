"""Commands of the ``openstack.messaging.v2`` group."""
