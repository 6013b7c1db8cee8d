"""nova-shaped notifications, emitted with oslo.messaging's own ``Notifier``.

The payloads follow nova's code: the unversioned ``compute.instance.update``
payload of ``nova/notifications/base.py`` (``info_from_instance`` plus the
state and audit-period keys, published by ``compute.<host>`` on topic
``notifications``), and the versioned ``instance.update`` notification
(``InstanceUpdatePayload`` 2.1 around ``InstancePayload`` fields, with
``InstanceStateUpdatePayload`` and ``AuditPeriodPayload`` inside, published
by ``nova-compute:<host>`` on ``versioned_notifications``). The context is
a nova ``RequestContext`` as sent on the bus, caller's token included: the
tests check that it never reaches a tenant.
"""

from __future__ import annotations

import uuid
import warnings
from typing import Any

SECRET_TOKEN = "gAAAAABnova-caller-token-never-forwarded"


def request_context(project: str) -> Any:
    """A request context like nova's (an oslo.context ``RequestContext``), token included.

    Current oslo.messaging sends its ``redacted_copy()`` (no token); older
    releases sent ``to_dict()`` whole, which :func:`wire_record` reproduces.
    """
    from oslo_context import context

    return context.RequestContext(
        user_id="u-" + project[:8], project_id=project, auth_token=SECRET_TOKEN,
        request_id=f"req-{uuid.uuid4()}", roles=["member", "reader"], is_admin=False,
        user_name="demo", project_name="demo",
    )


def wire_record(event_type: str, payload: Any, project: str, *, priority: str = "INFO",
                publisher_id: str = "compute.compute-1") -> dict[str, Any]:
    """A notification as an older oslo.messaging put it on the bus (context and token)."""
    import json

    message: dict[str, Any] = {
        "message_id": str(uuid.uuid4()), "publisher_id": publisher_id,
        "event_type": event_type, "priority": priority, "payload": payload,
        "timestamp": "2026-12-01 10:00:05.123456",
    }
    for key, value in request_context(project).to_dict().items():
        message[f"_context_{key}"] = value
    message["_context_auth_token"] = SECRET_TOKEN
    return {"oslo.version": "2.0", "oslo.message": json.dumps(message)}


def unversioned_instance_update(
    project: str, instance: str, state: str, old_state: str, *, host: str = "compute-1",
    **extra: Any,
) -> dict[str, Any]:
    """The payload of nova's legacy ``compute.instance.update``."""
    payload: dict[str, Any] = {
        "tenant_id": project, "user_id": "u-" + project[:8], "instance_id": instance,
        "display_name": "vm-" + instance[:6], "reservation_id": "r-npxv0e40",
        "hostname": "vm-" + instance[:6], "instance_type": "m1.small", "instance_type_id": 2,
        "instance_flavor_id": "2", "architecture": "x86_64", "memory_mb": 2048, "disk_gb": 20,
        "vcpus": 1, "root_gb": 20, "ephemeral_gb": 0, "host": host, "node": host,
        "availability_zone": "nova", "cell_name": "", "created_at": "2026-12-01 10:00:00+00:00",
        "terminated_at": "", "deleted_at": "", "launched_at": "2026-12-01T10:00:05.000000",
        "image_ref_url": "http://glance.internal:9292/images/155d900f",
        "os_type": None, "kernel_id": "", "ramdisk_id": "",
        "state": state, "state_description": "", "progress": "",
        "access_ip_v4": None, "access_ip_v6": None,
        "fixed_ips": [{"address": "10.0.0.5", "type": "fixed", "version": 4, "label": "private",
                       "vif_mac": "fa:16:3e:4c:2c:30", "meta": {}, "floating_ips": []}],
        "image_meta": {"base_image_ref": "155d900f", "min_disk": "20"}, "metadata": {},
        "old_state": old_state, "old_task_state": None, "new_task_state": None,
        "audit_period_beginning": "2026-12-01T00:00:00.000000",
        "audit_period_ending": "2026-12-01T10:00:05.000000",
    }
    payload.update(extra)
    return payload


def _versioned(name: str, version: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"nova_object.name": name, "nova_object.namespace": "nova",
            "nova_object.version": version, "nova_object.data": data}


def versioned_instance_update(
    project: str, instance: str, state: str, old_state: str, *, host: str = "compute-1",
    **extra: Any,
) -> dict[str, Any]:
    """The payload of nova's versioned ``instance.update``."""
    flavor = _versioned("FlavorPayload", "1.4", {
        "flavorid": "2", "name": "m1.small", "root_gb": 20, "vcpus": 1, "ephemeral_gb": 0,
        "memory_mb": 2048, "disabled": False, "rxtx_factor": 1.0, "extra_specs": {},
        "projects": None, "swap": 0, "is_public": True, "vcpu_weight": 0, "description": None,
    })
    data: dict[str, Any] = {
        "uuid": instance, "user_id": "u-" + project[:8], "tenant_id": project,
        "reservation_id": "r-npxv0e40", "display_name": "vm-" + instance[:6],
        "display_description": "", "host_name": "vm-" + instance[:6], "host": host,
        "node": host, "os_type": None, "architecture": "x86_64", "availability_zone": "nova",
        "flavor": flavor, "image_uuid": "155d900f-4e14-4e4c-a73d-069cbf4541e6",
        "key_name": "my-key", "kernel_id": "", "ramdisk_id": "",
        "created_at": "2026-12-01T10:00:00Z", "launched_at": None, "terminated_at": None,
        "deleted_at": None, "updated_at": None, "state": state, "power_state": "pending",
        "task_state": None, "progress": 0,
        "ip_addresses": [_versioned("IpPayload", "1.0", {
            "mac": "fa:16:3e:4c:2c:30", "address": "10.0.0.5", "port_uuid": str(uuid.uuid4()),
            "meta": {}, "version": 4, "label": "private", "device_name": "tapce531f90-19"})],
        "block_devices": [], "metadata": {}, "locked": False, "auto_disk_config": "MANUAL",
        "request_id": f"req-{uuid.uuid4()}", "action_initiator_user": "u-" + project[:8],
        "action_initiator_project": project, "locked_reason": None, "shares": [],
        "state_update": _versioned("InstanceStateUpdatePayload", "1.0", {
            "old_state": old_state, "state": state, "old_task_state": None,
            "new_task_state": None}),
        "audit_period": _versioned("AuditPeriodPayload", "1.0", {
            "audit_period_beginning": "2026-12-01T00:00:00Z",
            "audit_period_ending": "2026-12-01T10:00:05Z"}),
        "old_display_name": None, "tags": [],
    }
    data.update(extra)
    return _versioned("InstanceUpdatePayload", "2.1", data)


class NovaNotifier:
    """oslo.messaging Notifiers publishing as nova does, on one control exchange."""

    def __init__(self, transport_url: str, exchange: str = "nova", host: str = "compute-1"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import oslo_messaging
            from oslo_config import cfg
            from oslo_messaging import opts

        conf = cfg.ConfigOpts()
        conf([], project="nova-test", default_config_files=[], default_config_dirs=[])
        for group, group_opts in opts.list_opts():
            conf.register_opts(group_opts, group=group)
        conf.set_override("control_exchange", exchange)  # read when the transport is made
        self.transport = oslo_messaging.get_notification_transport(conf, url=transport_url)
        self.legacy = oslo_messaging.Notifier(
            self.transport, publisher_id=f"compute.{host}", driver="messagingv2",
            topics=["notifications"],
        )
        self.versioned = oslo_messaging.Notifier(
            self.transport, publisher_id=f"nova-compute:{host}", driver="messagingv2",
            topics=["versioned_notifications"],
        )

    def instance_update(self, project: str, instance: str, state: str, old_state: str,
                        **extra: Any) -> None:
        """Both notifications nova sends for one state change."""
        context = request_context(project)
        self.legacy.info(context, "compute.instance.update",
                         unversioned_instance_update(project, instance, state, old_state, **extra))
        self.versioned.info(context, "instance.update",
                            versioned_instance_update(project, instance, state, old_state,
                                                      **extra))

    def legacy_update(self, project: str, instance: str, state: str, old_state: str,
                      **extra: Any) -> None:
        """Only the unversioned ``compute.instance.update``."""
        self.legacy.info(request_context(project), "compute.instance.update",
                         unversioned_instance_update(project, instance, state, old_state, **extra))

    def close(self) -> None:
        self.transport.cleanup()
