/* global posmodel */

import * as Chrome from "@point_of_sale/../tests/pos/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/generic_helpers/dialog_util";
import * as FeedbackScreen from "@point_of_sale/../tests/pos/tours/utils/feedback_screen_util";
import * as Notification from "@point_of_sale/../tests/generic_helpers/notification_util";
import * as PaymentScreen from "@point_of_sale/../tests/pos/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/pos/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/pos/tours/utils/receipt_screen_util";
import { registry } from "@web/core/registry";

/**
 * Live availability tours. The Python test (tests/test_pos_live.py) sets
 * `window.wholesaleLiveTour` before the tour starts: the database, the users
 * who act in the back office (`{uid, password}` by role) and the records the
 * steps need.
 */
function tourData() {
    const data = window.wholesaleLiveTour;
    if (!data) {
        throw new Error("window.wholesaleLiveTour is not set: start this tour from its Python test");
    }
    return data;
}

/** Call `model.method(*args, **kwargs)` on the server as `role`, over /jsonrpc. */
async function callAs(role, model, method, args, kwargs = {}) {
    const data = tourData();
    const { uid, password } = data.users[role];
    const response = await fetch("/jsonrpc", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
            jsonrpc: "2.0",
            method: "call",
            id: Date.now(),
            params: {
                service: "object",
                method: "execute_kw",
                args: [data.db, uid, password, model, method, args, kwargs],
            },
        }),
    });
    const result = await response.json();
    if (result.error) {
        throw new Error(
            `${model}.${method} as ${role} failed: ${
                result.error.data?.message || JSON.stringify(result.error)
            }`
        );
    }
    return result.result;
}

/** A step that acts in the back office; `args` is a function of the tour data. */
function backOffice(content, role, model, method, args) {
    return {
        content,
        trigger: "body",
        run: async () => {
            await callAs(role, model, method, args(tourData()));
        },
    };
}

function dialogSays(text) {
    return {
        content: `the dialog says "${text}"`,
        trigger: `.modal:not(.o_inactive_modal) .modal-body:contains("${text}")`,
    };
}

function paymentLineIs(method, amount) {
    return {
        content: `there is a ${method} payment line of ${amount}`,
        trigger: `.paymentlines .paymentline:has(.payment-name:contains("${method}")) .payment-amount:contains("${amount}")`,
    };
}

function tileSelector(name) {
    return `.product-list article.product:has(.product-name:contains("${name}"))`;
}

/** The tile of `name` shows `label` as what this POS may sell (`qty` pieces). */
function tileShows(name, qty, label = String(qty)) {
    return {
        content: `the tile of ${name} says ${label} may be sold here`,
        trigger: `${tileSelector(
            name
        )} .o_wholesale_available_qty[data-wholesale-qty="${qty}"]:contains("${label}")`,
    };
}

function productIsNotListed(name) {
    return {
        content: `${name} is not in the product list`,
        trigger: `.product-screen .rightpane:not(:has(.product-name:contains("${name}")))`,
    };
}

function clickProductTimes(name, times) {
    const steps = [];
    for (let qty = 1; qty <= times; qty++) {
        steps.push(...ProductScreen.clickDisplayedProduct(name, true, String(qty)));
    }
    return steps;
}

function refusedAtAdd(name, available, rule) {
    return [
        Dialog.is({ title: "Not enough stock" }),
        dialogSays(`${name}: this point of sale may sell ${available} (rule: ${rule})`),
        Dialog.confirm(),
        Dialog.isNot(),
    ];
}

function payByBank(total) {
    return [
        ProductScreen.clickPayButton(),
        PaymentScreen.clickPaymentMethod("Bank", true, { remaining: "0.00" }),
        PaymentScreen.totalIs(total),
        PaymentScreen.clickValidate(),
        ReceiptScreen.isShown(),
    ].flat();
}

// (1) 25 on hand, "block below 20": the tile says 5, the sixth piece (click or
// numpad) is refused and the line stays at 5, which is paid. Beside it, a
// torch under "warn below 20" (21 on hand, 1 to sell) is only warned about.
registry.category("web_tour.tours").add("WholesaleRetailLiveBlockTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            tileShows("WR Live Drill", 5),
            clickProductTimes("WR Live Drill", 5),
            ProductScreen.clickDisplayedProduct("WR Live Drill"),
            refusedAtAdd("WR Live Drill", "5 pcs", "WR drill block below 20"),
            ProductScreen.selectedOrderlineHas("WR Live Drill", "5"),
            ProductScreen.productCardQtyIs("WR Live Drill", "5"),
            // typing a larger quantity is refused too, before it reaches the line
            ProductScreen.clickNumpad("6"),
            refusedAtAdd("WR Live Drill", "5 pcs", "WR drill block below 20"),
            ProductScreen.selectedOrderlineHas("WR Live Drill", "5"),
            tileShows("WR Live Torch", 1),
            ProductScreen.clickDisplayedProduct("WR Live Torch", true, "1"),
            Dialog.isNot(),
            ProductScreen.clickDisplayedProduct("WR Live Torch", true, "2"),
            Notification.has(
                "WR Live Torch: this point of sale should sell no more than 1 pcs (rule: WR torch warn below 20)",
                "warning"
            ),
            Dialog.isNot(),
            ProductScreen.selectedOrderlineHas("WR Live Torch", "2"),
            ProductScreen.totalAmountIs("70.00"),
            payByBank("70.00"),
            ReceiptScreen.clickNextOrder(),
            // the sale took 5 of the 25: nothing more may be sold here
            tileShows("WR Live Drill", 0),
            Chrome.endTour(),
        ].flat(),
});

// (2) 30 on hand, "hide below 20": listed with 10 to sell, until a wholesale
// order of 15 is confirmed in the back office; then gone from the list and
// from search, without a reload. When a manager lowers the rule to 10, the
// POS reloads its figures and the lamp is back with 5.
registry.category("web_tour.tours").add("WholesaleRetailLiveHideTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            tileShows("WR Live Lamp", 10),
            ProductScreen.productIsDisplayed("WR Live Lamp"),
            {
                content: "the POS page will not reload during this tour",
                trigger: "body",
                run: () => {
                    window.wholesaleLiveNoReload = true;
                },
            },
            backOffice(
                "a salesperson confirms a wholesale order of 15 lamps",
                "backoffice",
                "sale.order",
                "action_confirm",
                (data) => [[data.saleOrderId]]
            ),
            productIsNotListed("WR Live Lamp"),
            ProductScreen.searchProduct("WR Live Lamp"),
            {
                content: "searching for it finds nothing",
                trigger: ".product-screen .rightpane:contains('No products found')",
            },
            productIsNotListed("WR Live Lamp"),
            backOffice(
                "a wholesale manager lowers the lamp's rule to 10",
                "manager",
                "wholesale.channel.rule",
                "write",
                (data) => [[data.ruleId], { threshold: 10 }]
            ),
            tileShows("WR Live Lamp", 5),
            ProductScreen.productIsDisplayed("WR Live Lamp"),
            {
                content: "this is still the same page: no reload happened",
                trigger: "body",
                run: () => {
                    if (!window.wholesaleLiveNoReload) {
                        throw new Error("the POS page was reloaded");
                    }
                },
            },
            Chrome.endTour(),
        ].flat(),
});

// (3) Another POS of the same warehouse sells 4 kettles: this POS's tile goes
// from 12 (2 boxes of 6) to 8 (1 whole box).
registry.category("web_tour.tours").add("WholesaleRetailLiveOtherPosTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            tileShows("WR Live Kettle", 12, "12 · 2 boxes"),
            backOffice(
                "the second POS pays an order of 4 kettles",
                "cashier2",
                "pos.order",
                "sync_from_ui",
                (data) => [[data.otherPosOrder]]
            ),
            tileShows("WR Live Kettle", 8, "8 · 1 box"),
            Chrome.endTour(),
        ].flat(),
});

function refusedOrderIsKept() {
    return {
        content: "the refused order is still open with its line and its payment",
        trigger: "body",
        run: () => {
            const order = posmodel.getOrder();
            const lines = order.lines.map((line) => [line.product_id.display_name, line.qty]);
            const payments = order.payment_ids.map((payment) => payment.amount);
            if (
                order.state !== "draft" ||
                JSON.stringify(lines) !== JSON.stringify([["WR Live Heater", 3]]) ||
                JSON.stringify(payments) !== JSON.stringify([30])
            ) {
                throw new Error(
                    `unexpected order after the refusal: state ${order.state}, lines ${JSON.stringify(
                        lines
                    )}, payments ${JSON.stringify(payments)}`
                );
            }
        },
    };
}

/**
 * (4) The stock drops while the cashier is on the payment screen: the payment
 * is refused, the order keeps its line and payment, the cashier lowers the
 * quantity and pays. With `feedback`, the POS prints automatically and shows
 * its "Amount Paid" screen while the payment is sent: a refusal brings the
 * cashier back to the payment screen of the order.
 */
function paymentRefusalSteps({ feedback = false } = {}) {
    return [
        Chrome.startPoS(),
        Dialog.confirm("Open Register"),
        tileShows("WR Live Heater", 5),
        clickProductTimes("WR Live Heater", 3),
        ProductScreen.clickPayButton(),
        PaymentScreen.clickPaymentMethod("Bank", true, { remaining: "0.00" }),
        PaymentScreen.selectedPaymentlineHas("Bank", "30.00"),
        backOffice(
            "a stock count finds 22 heaters instead of 25: 2 may be sold here",
            "backoffice",
            "stock.quant",
            "action_apply_inventory",
            (data) => [[data.quantId]]
        ),
        PaymentScreen.clickValidate(),
        dialogSays("Not enough stock to sell this order"),
        dialogSays("WR Live Heater: 3 pcs in the order, 2 pcs may be sold here"),
        dialogSays("(rule: WR heater block below 20)"),
        Dialog.confirm(),
        Dialog.isNot(),
        {
            content: "the cashier is on the payment screen of the refused order",
            trigger: ".pos-content .payment-screen",
        },
        paymentLineIs("Bank", "30.00"),
        refusedOrderIsKept(),
        PaymentScreen.clickBack(),
        ProductScreen.clickLine("WR Live Heater", "3"),
        tileShows("WR Live Heater", 2),
        ProductScreen.clickNumpad("2"),
        ProductScreen.selectedOrderlineHas("WR Live Heater", "2"),
        ProductScreen.clickPayButton(),
        PaymentScreen.clickPaymentlineDelButton("Bank", "30.00"),
        PaymentScreen.clickPaymentMethod("Bank", true, { remaining: "0.00" }),
        PaymentScreen.selectedPaymentlineHas("Bank", "20.00"),
        PaymentScreen.clickValidate(),
        feedback
            ? [FeedbackScreen.isShown(), FeedbackScreen.clickScreen(), ...ProductScreen.isShown()]
            : ReceiptScreen.isShown(),
        Chrome.endTour(),
    ].flat();
}

registry.category("web_tour.tours").add("WholesaleRetailLivePaymentRefusalTour", {
    steps: () => paymentRefusalSteps(),
});

registry.category("web_tour.tours").add("WholesaleRetailLivePaymentRefusalFeedbackTour", {
    steps: () => paymentRefusalSteps({ feedback: true }),
});
