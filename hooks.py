def _wholesale_setup_channels(env, pos_policies=None):
    """Channels for every company and POS, and each warehouse's default rule.

    ``pos_policies``: ``{warehouse_id: former POS oversell policy}`` when
    upgrading from a version that kept the policy on the warehouse.
    """
    actions = {
        warehouse_id: {"refuse": "block", "allow": "warn"}.get(policy, "protect")
        for warehouse_id, policy in (pos_policies or {}).items()
    }
    env["wholesale.sales.channel"]._wholesale_ensure_channels()
    warehouses = env["stock.warehouse"].with_context(active_test=False).search([])
    warehouses._wholesale_create_default_rules(actions)


def post_init_hook(env):
    _wholesale_setup_channels(env)


def uninstall_hook(env):
    """Remove the queue_job records that name this addon's models: the push
    and full-sync jobs, and each channel's sub-channel under
    ``root.wholesale_sync`` (its parent, an XML record, goes with the addon)."""
    env["queue.job"].sudo().search(
        [("model_name", "=", "wholesale.sales.channel")]
    ).unlink()
    parent = env.ref("wholesale_retail.job_channel_wholesale_sync", False)
    if parent:
        env["queue.job.channel"].sudo().search(
            [("parent_id", "child_of", parent.id), ("id", "!=", parent.id)],
            order="id desc",
        ).unlink()
