import { Component, onWillStart, useState } from "@odoo/owl";
import { deserializeDate, formatDate } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { ControlPanel } from "@web/search/control_panel/control_panel";
import { formatFloat, formatInteger, formatMonetary } from "@web/views/fields/formatters";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

/**
 * The Wholesale & Retail overview: the figures of the current company
 * (``wholesale.overview.get_dashboard_data``), each of which opens the list of
 * the records it counts (``wholesale.overview.action_open_figure``).
 */
export class WholesaleRetailDashboard extends Component {
    static template = "wholesale_retail.Dashboard";
    static components = { ControlPanel };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.state = useState({ data: null, loading: false });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.loading = true;
        try {
            this.state.data = await this.orm.call("wholesale.overview", "get_dashboard_data");
        } finally {
            this.state.loading = false;
        }
    }

    async openFigure(key) {
        const action = await this.orm.call("wholesale.overview", "action_open_figure", [key]);
        return this.actionService.doAction(action);
    }

    openProduct(productId) {
        return this.actionService.doAction({
            type: "ir.actions.act_window",
            res_model: "product.product",
            res_id: productId,
            views: [[false, "form"]],
            target: "current",
        });
    }

    money(amount) {
        return formatMonetary(amount, { currencyId: this.state.data.currency_id });
    }

    get date() {
        return formatDate(deserializeDate(this.state.data.date));
    }

    quantity(value) {
        return formatFloat(value, { trailingZeros: false });
    }

    get cards() {
        const data = this.state.data;
        return [
            {
                figure: data.stock_value,
                icon: "fa-cubes",
                title: _t("Stock Value"),
                value: this.money(data.stock_value.amount),
                note: _t("%s products in stock", formatInteger(data.stock_value.count)),
                tone: "primary",
            },
            {
                figure: data.low_stock,
                icon: "fa-battery-quarter",
                title: _t("Low Stock"),
                value: formatInteger(data.low_stock.count),
                note: _t("products with less than %s on hand", this.quantity(data.low_stock.threshold)),
                tone: data.low_stock.count ? "warning" : "success",
            },
            {
                figure: data.oversell_open,
                icon: "fa-exclamation-triangle",
                title: _t("Open Oversell Incidents"),
                value: formatInteger(data.oversell_open.count),
                note: _t("POS sales beyond the free stock, to settle"),
                tone: data.oversell_open.count ? "danger" : "success",
            },
            {
                figure: data.waiting_orders,
                icon: "fa-hourglass-half",
                title: _t("Wholesale Orders Waiting for Stock"),
                value: formatInteger(data.waiting_orders.count),
                note: _t("%s untaxed", this.money(data.waiting_orders.amount)),
                tone: data.waiting_orders.count ? "warning" : "success",
            },
        ];
    }

    orders(count) {
        return count === 1 ? _t("1 order") : _t("%s orders", formatInteger(count));
    }

    channelIcon(kind) {
        return (
            {
                wholesale: "fa-truck",
                pos: "fa-shopping-basket",
                web: "fa-globe",
                marketplace: "fa-shopping-cart",
            }[kind] || "fa-circle-o"
        );
    }
}

registry.category("actions").add("wholesale_retail.dashboard", WholesaleRetailDashboard);
