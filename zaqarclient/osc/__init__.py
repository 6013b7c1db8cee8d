"""The OpenStackClient plugin: ``openstack messaging ...`` and ``openstack queue ...``."""
