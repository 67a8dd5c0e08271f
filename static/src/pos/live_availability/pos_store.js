import { markRaw } from "@odoo/owl";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { PosStore } from "@point_of_sale/app/services/pos_store";
import { formatLadderQty } from "@wholesale_retail/pos/quantity/format_qty";

/**
 * Live retail availability: what this POS may sell of each storable product.
 *
 * At start the POS asks the server (`pos.config.wholesale_availability`) for
 * every loaded storable variant and keeps the answer in the reactive map
 * `wholesaleAvailability` ({product.product id: {qty, action, rule, step}}).
 * The server tells of changes on the bus (`WHOLESALE_AVAILABILITY`): the ids
 * of the products whose stock changed, whose figures the POS then asks, or
 * `{reload: true}` when the rules changed. When the bus (re)connects or the POS comes back online, everything
 * is asked again. Offline or on any error the last known figures stay, and
 * the POS never waits more than a few seconds for them.
 *
 * What the map drives: the quantity on the product tiles (product_card.js),
 * products that a "hide" rule takes out of the list and search, and the
 * refusal of additions beyond the sellable quantity under "hide" and "block"
 * rules ("warn" only warns). The server decides again at payment.
 */

/** Rule actions that refuse an addition beyond the sellable quantity. */
export const WHOLESALE_BLOCKING_ACTIONS = new Set(["hide", "block"]);
const EPSILON = 1e-6;
/** Most products one availability call asks about. */
const FETCH_CHUNK = 5000;
/** How long the POS start waits for the first figures (they still apply later). */
const START_WAIT_MS = 5000;
/** Bus messages arriving within this delay are answered by one call. */
const PUSH_COALESCE_MS = 30;
/** Delay before asking again the figures a failed call did not bring. */
const PUSH_RETRY_MS = 5000;
/** How long an addition waits for a product loaded a moment ago. */
const LAZY_WAIT_MS = 3000;

function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A server entry as the POS keeps it, or null when it is malformed. */
function normalizeEntry(entry) {
    if (!entry || typeof entry !== "object") {
        return null;
    }
    const qty = Number(entry.qty);
    const step =
        Array.isArray(entry.step) && entry.step.length === 2 && Number(entry.step[1]) > 0
            ? [String(entry.step[0]), Number(entry.step[1])]
            : false;
    return {
        qty: Number.isFinite(qty) ? Math.max(qty, 0) : 0,
        action: entry.action || false,
        rule: entry.rule || false,
        step,
    };
}

function sameEntry(a, b) {
    return (
        a &&
        b &&
        a.qty === b.qty &&
        a.action === b.action &&
        a.rule === b.rule &&
        (a.step || []).join("\u0000") === (b.step || []).join("\u0000")
    );
}

patch(PosStore.prototype, {
    async setup() {
        // reactive: product tiles and the product list follow it
        this.wholesaleAvailability = {};
        this.wholesaleHiddenTemplateIds = [];
        // bookkeeping only, never rendered
        this.wholesaleSync = markRaw({
            clock: 0,
            // product id -> clock of its last bus update
            pushedAt: new Map(),
            running: null,
            again: false,
            lazyIds: new Set(),
            lazyTimer: null,
            lazyFetch: null,
            // product ids named by bus messages, asked together
            pushedIds: new Set(),
            pushTimer: null,
        });
        await super.setup(...arguments);
    },

    async afterProcessServerData() {
        const result = await super.afterProcessServerData(...arguments);
        try {
            this.data.connectWebSocket("WHOLESALE_AVAILABILITY", (payload) =>
                this.wholesaleOnAvailabilityMessage(payload)
            );
            const refresh = () => this.wholesaleRefreshAvailability();
            this.bus.addEventListener("BUS:CONNECT", refresh);
            this.bus.addEventListener("BUS:RECONNECT", refresh);
            window.addEventListener("pos-network-online", refresh);
            this.models["product.product"].addEventListener("create", ({ ids }) =>
                this.wholesaleOnProductsLoaded(ids)
            );
            await Promise.race([this.wholesaleRefreshAvailability(), sleep(START_WAIT_MS)]);
        } catch (error) {
            // the figures are a help to the cashier: the POS starts without them
            console.warn("wholesale_retail: could not load the retail availability", error);
        }
        return result;
    },

    /** Ids of the loaded storable variants. */
    wholesaleStorableProductIds() {
        return this.models["product.product"]
            .filter((product) => product.product_tmpl_id?.is_storable)
            .map((product) => product.id)
            .filter((id) => typeof id === "number");
    },

    /**
     * Ask the server for the figures of every loaded storable product. Calls
     * made while one runs are merged into one more run after it.
     */
    wholesaleRefreshAvailability() {
        const sync = this.wholesaleSync;
        if (sync.running) {
            sync.again = true;
            return sync.running;
        }
        sync.running = (async () => {
            try {
                do {
                    sync.again = false;
                    await this.wholesaleFetchAvailability(this.wholesaleStorableProductIds());
                } while (sync.again);
            } finally {
                sync.running = null;
            }
        })();
        return sync.running;
    },

    /**
     * Fetch and apply the figures of `productIds`. Keeps the last known
     * figures when offline or on an error; a bus update that arrives while the
     * call runs wins over the call's (older) answer.
     */
    async wholesaleFetchAvailability(productIds) {
        const sync = this.wholesaleSync;
        for (let start = 0; start < productIds.length; start += FETCH_CHUNK) {
            if (this.data.network.offline) {
                return false;
            }
            const chunk = productIds.slice(start, start + FETCH_CHUNK);
            const since = ++sync.clock;
            let result;
            try {
                result = await this.data.call("pos.config", "wholesale_availability", [
                    [this.config.id],
                    chunk,
                ]);
            } catch {
                return false;
            }
            this.wholesaleApplyAvailability(result?.products || {}, chunk, since);
        }
        return true;
    },

    /**
     * Store `products` ({id: entry}) for the ids of `requested`: an id without
     * an entry is not (or no longer) a storable product. With `since`, ids
     * updated by the bus after that clock keep their newer figure.
     */
    wholesaleApplyAvailability(products, requested, since = null) {
        const sync = this.wholesaleSync;
        const map = this.wholesaleAvailability;
        for (const id of requested) {
            const key = String(id);
            if (since !== null && (sync.pushedAt.get(key) || 0) > since) {
                continue;
            }
            const entry = normalizeEntry(products[key] ?? products[id]);
            if (!entry) {
                if (key in map) {
                    delete map[key];
                }
            } else if (!sameEntry(map[key], entry)) {
                map[key] = entry;
            }
        }
        this.wholesaleUpdateHiddenTemplates();
    },

    /**
     * A bus message: the ids of products whose stock changed, or reload them
     * all. The message is sent when the change has committed; the figures are
     * asked then (a figure computed inside the committing transaction could
     * miss a concurrent one). Messages arriving within a few milliseconds are
     * answered by one call; a call already running does not overwrite them.
     */
    wholesaleOnAvailabilityMessage(payload) {
        if (!payload || typeof payload !== "object") {
            return;
        }
        if (payload.reload) {
            this.wholesaleRefreshAvailability();
            return;
        }
        const ids = (Array.isArray(payload.product_ids) ? payload.product_ids : []).filter(
            (id) => Number.isInteger(id) && this.models["product.product"].get(id)
        );
        if (!ids.length) {
            return;
        }
        const sync = this.wholesaleSync;
        for (const id of ids) {
            // an answer asked before this message is older for this product
            sync.pushedAt.set(String(id), ++sync.clock);
            sync.pushedIds.add(id);
        }
        if (sync.pushTimer) {
            return;
        }
        this.wholesaleSchedulePushFetch(PUSH_COALESCE_MS);
    },

    /** Ask the figures of the pushed products after `delay`; on a failure ask again later. */
    wholesaleSchedulePushFetch(delay) {
        const sync = this.wholesaleSync;
        if (sync.pushTimer) {
            return;
        }
        sync.pushTimer = setTimeout(async () => {
            sync.pushTimer = null;
            const pushed = [...sync.pushedIds];
            sync.pushedIds.clear();
            if (!(await this.wholesaleFetchAvailability(pushed))) {
                // offline or a server error: keep the ids for the next try
                // (a reconnection also asks everything again)
                for (const id of pushed) {
                    sync.pushedIds.add(id);
                }
                this.wholesaleSchedulePushFetch(PUSH_RETRY_MS);
            }
        }, delay);
    },

    /** Products loaded after the start (search, barcode): fetch theirs too. */
    wholesaleOnProductsLoaded(ids) {
        const sync = this.wholesaleSync;
        for (const id of ids || []) {
            const product = this.models["product.product"].get(id);
            if (
                typeof id === "number" &&
                product?.product_tmpl_id?.is_storable &&
                !(String(id) in this.wholesaleAvailability)
            ) {
                sync.lazyIds.add(id);
            }
        }
        if (!sync.lazyIds.size || sync.lazyTimer) {
            return;
        }
        sync.lazyFetch = new Promise((resolve) => {
            sync.lazyTimer = setTimeout(async () => {
                const lazyIds = [...sync.lazyIds];
                sync.lazyIds.clear();
                sync.lazyTimer = null;
                try {
                    await this.wholesaleFetchAvailability(lazyIds);
                } finally {
                    resolve();
                }
            }, 50);
        });
    },

    /** Wait (a little) for the figures of products loaded a moment ago. */
    async wholesaleWaitForProducts(products) {
        const sync = this.wholesaleSync;
        const missing = products.some(
            (product) =>
                product?.product_tmpl_id?.is_storable &&
                !(String(product.id) in this.wholesaleAvailability)
        );
        if (missing && sync.lazyFetch) {
            await Promise.race([sync.lazyFetch, sleep(LAZY_WAIT_MS)]);
        }
    },

    /** What this POS may sell of `product` (a product.product), or undefined. */
    wholesaleEntry(product) {
        return product ? this.wholesaleAvailability[String(product.id)] : undefined;
    },

    /**
     * Product templates that a "hide" rule takes out of the list: every loaded
     * storable variant is hidden and has nothing left to sell here.
     */
    wholesaleUpdateHiddenTemplates() {
        const map = this.wholesaleAvailability;
        const isHidden = (product) => {
            const entry = map[String(product.id)];
            return entry?.action === "hide" && entry.qty <= EPSILON;
        };
        const candidates = new Set();
        for (const key of Object.keys(map)) {
            const product = this.models["product.product"].get(Number(key));
            if (product && isHidden(product) && product.product_tmpl_id) {
                candidates.add(product.product_tmpl_id);
            }
        }
        const hidden = [...candidates]
            .filter((template) => template.product_variant_ids.every(isHidden))
            .map((template) => template.id)
            .sort((a, b) => a - b);
        if (hidden.join(",") !== this.wholesaleHiddenTemplateIds.join(",")) {
            this.wholesaleHiddenTemplateIds = hidden;
        }
    },

    getExcludedProductIds() {
        return [...super.getExcludedProductIds(...arguments), ...this.wholesaleHiddenTemplateIds];
    },

    /**
     * Quantity per product.product id that `order` sells, as the server counts
     * it: refunds (negative lines) count against it, lines that settle a sale
     * order do not (that stock is held for the sale order).
     */
    wholesaleOrderQuantities(order) {
        const totals = new Map();
        for (const line of order?.lines || []) {
            const productId = line.product_id?.id;
            if (!productId || line.sale_order_line_id) {
                continue;
            }
            totals.set(productId, (totals.get(productId) || 0) + (line.qty || 0));
        }
        return totals;
    },

    /**
     * Check that `order` may hold `wanted` ({product: qty}) of each product,
     * the products whose quantity grows from `current` ({product id: qty}).
     * Returns the refusal as {product, entry, qty} under a hide or block rule,
     * or null; products beyond a "warn" rule are warned about.
     */
    wholesaleCheckQuantities(current, wanted) {
        const warned = [];
        for (const [product, qty] of wanted) {
            const entry = this.wholesaleEntry(product);
            const before = current.get(product.id) || 0;
            if (!entry || qty <= before + EPSILON || qty <= entry.qty + EPSILON) {
                continue;
            }
            // Offline, the figures may be old and the server accepts the order
            // when it syncs: hide and block only warn then.
            if (WHOLESALE_BLOCKING_ACTIONS.has(entry.action) && !this.data.network.offline) {
                return { refused: { product, entry, qty }, warned: [] };
            }
            if (WHOLESALE_BLOCKING_ACTIONS.has(entry.action)) {
                warned.push({ product, entry, qty });
                continue;
            }
            if (entry.action === "warn") {
                warned.push({ product, entry, qty });
            }
        }
        return { refused: null, warned };
    },

    /** `qty` pieces of `product` in the ladder's words: "20 cartons + 13 pcs". */
    wholesaleFormatQty(qty, entry) {
        return formatLadderQty(
            qty,
            entry?.steps,
            (value) => this.env.utils.formatProductQty(value, false),
            { unit: entry?.unit }
        );
    },

    /** The values of a refusal or warning message about `product`. */
    wholesaleMessageValues({ product, entry, qty }) {
        return {
            product: product.display_name,
            available: this.wholesaleFormatQty(entry.qty, entry),
            rule: entry.rule || _t("none"),
            requested: this.wholesaleFormatQty(qty, entry),
        };
    },

    wholesaleShowRefusal(refused) {
        this.dialog.add(AlertDialog, {
            title: _t("Not enough stock"),
            body: _t(
                "%(product)s: this point of sale may sell %(available)s (rule: %(rule)s). The order cannot hold %(requested)s.",
                this.wholesaleMessageValues(refused)
            ),
        });
    },

    wholesaleShowWarnings(warned) {
        for (const warning of warned) {
            this.notification.add(
                _t(
                    "%(product)s: this point of sale should sell no more than %(available)s (rule: %(rule)s); the order holds %(requested)s.",
                    this.wholesaleMessageValues(warning)
                ),
                { type: "warning", title: _t("Low stock") }
            );
        }
    },

    /**
     * Check every addition after core made it (configurator, combo, lots,
     * scale, merge): when it takes a product beyond what a hide or block rule
     * lets this POS sell, undo the whole addition and say why.
     */
    async addLineToOrder(vals, order, opts = {}, configure = true) {
        const linesBefore = new Map((order?.lines || []).map((line) => [line.uuid, line.qty]));
        const before = this.wholesaleOrderQuantities(order);
        const result = await super.addLineToOrder(...arguments);
        if (!result || !order || order.finalized) {
            return result;
        }
        try {
            const after = this.wholesaleOrderQuantities(order);
            const grown = [];
            for (const [productId, qty] of after) {
                if (qty > (before.get(productId) || 0) + EPSILON) {
                    grown.push([this.models["product.product"].get(productId), qty]);
                }
            }
            if (!grown.length) {
                return result;
            }
            await this.wholesaleWaitForProducts(grown.map(([product]) => product));
            if (!this.wholesaleEnforce(before, grown.filter(([product]) => product))) {
                this.wholesaleUndoAddition(order, linesBefore);
                return undefined;
            }
        } catch (error) {
            // never let the display help break a sale
            console.warn("wholesale_retail: availability check failed", error);
        }
        return result;
    },

    /**
     * Check `wanted` against this POS's figures (see wholesaleCheckQuantities):
     * show the refusal and return false, or show the warnings and return true.
     */
    wholesaleEnforce(current, wanted) {
        const { refused, warned } = this.wholesaleCheckQuantities(current, wanted);
        if (refused) {
            this.wholesaleShowRefusal(refused);
            return false;
        }
        this.wholesaleShowWarnings(warned);
        return true;
    },

    /** Put the order's lines back as they were in `linesBefore` ({uuid: qty}). */
    wholesaleUndoAddition(order, linesBefore) {
        const added = order.lines.filter(
            (line) => !linesBefore.has(line.uuid) && !line.combo_parent_id
        );
        for (const line of added) {
            order.removeOrderline(line);
        }
        for (const line of order.lines) {
            const qty = linesBefore.get(line.uuid);
            if (qty !== undefined && qty !== line.qty && !line.combo_parent_id) {
                line.setQuantity(qty);
            }
        }
    },

    /**
     * Whether `line` may get the quantity `value` (numpad input): refused,
     * with the reason shown, when it takes a product beyond what a hide or
     * block rule lets this POS sell. Lowering a quantity is always allowed.
     */
    wholesaleAllowsLineQuantity(line, value) {
        try {
            const order = line.order_id;
            let qty = typeof value === "number" ? value : parseFloat("" + (value || 0));
            if (order?.preset_id?.is_return) {
                qty = -Math.abs(qty);
            }
            if (!Number.isFinite(qty) || qty <= line.qty + EPSILON || line.sale_order_line_id) {
                return true;
            }
            const ratio = line.qty ? qty / line.qty : null;
            const deltas = new Map([[line.product_id, qty - line.qty]]);
            for (const child of line.combo_line_ids || []) {
                if (ratio !== null && !child.sale_order_line_id) {
                    const delta = child.qty * ratio - child.qty;
                    deltas.set(child.product_id, (deltas.get(child.product_id) || 0) + delta);
                }
            }
            const current = this.wholesaleOrderQuantities(order);
            const wanted = [...deltas]
                .filter(([product, delta]) => product && delta > EPSILON)
                .map(([product, delta]) => [product, (current.get(product.id) || 0) + delta]);
            return this.wholesaleEnforce(current, wanted);
        } catch (error) {
            console.warn("wholesale_retail: availability check failed", error);
        }
        return true;
    },
});
