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
