"""19.0.1.7.0: channel sync on queue_job. The web shops and marketplaces that
existed before get their queue_job channel, a signing secret and a feed token
of their own, a warehouse and an active user for their orders, and every product
they list is marked for the first push."""

import secrets

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    channels = (
        env["wholesale.sales.channel"]
        .with_context(active_test=False)
        .search([("kind", "in", ("web", "marketplace"))])
    )
    admin = env.ref("base.user_admin")
    for channel in channels:
        vals = {
            # the column default gave every existing channel the same value
            "sync_secret": secrets.token_urlsafe(32),
            "feed_token": secrets.token_urlsafe(32),
        }
        if not channel.warehouse_id:
            vals["warehouse_id"] = (
                env["stock.warehouse"]
                .search([("company_id", "=", channel.company_id.id)], limit=1)
                .id
            )
        if not channel.user_id.active:
            # the column default is the upgrade's user (OdooBot, inactive)
            vals["user_id"] = (
                admin
                if channel.company_id in admin.company_ids
                else env["res.users"].search(
                    [
                        ("company_ids", "in", channel.company_id.id),
                        ("share", "=", False),
                    ],
                    limit=1,
                )
            ).id
        channel.write(vals)
    channels._wholesale_ensure_job_channels()
    active = channels.filtered("active")
    active._wholesale_mark_all()
    active._wholesale_ensure_push()
