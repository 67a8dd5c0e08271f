"""19.0.1.7.0: channel sync on queue_job. The web shops and marketplaces that
existed before get their queue_job channel, a signing secret and a feed token
of their own, and every product they list is marked for the first push."""

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
    for channel in channels:
        # the column default gave every existing channel the same value
        channel.write(
            {
                "sync_secret": secrets.token_urlsafe(32),
                "feed_token": secrets.token_urlsafe(32),
            }
        )
    channels._wholesale_ensure_job_channels()
    channels.filtered("active")._wholesale_mark_all()
