import * as Chrome from "@point_of_sale/../tests/pos/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/generic_helpers/dialog_util";
import * as Order from "@point_of_sale/../tests/generic_helpers/order_widget_util";
import * as PaymentScreen from "@point_of_sale/../tests/pos/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/pos/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/pos/tours/utils/receipt_screen_util";
import * as TicketScreen from "@point_of_sale/../tests/pos/tours/utils/ticket_screen_util";
import { inLeftSide } from "@point_of_sale/../tests/pos/tours/utils/common";
import { scan_barcode } from "@point_of_sale/../tests/generic_helpers/utils";
import { simulateBarCode } from "@barcodes/../tests/legacy/helpers";
import { registry } from "@web/core/registry";

const PRODUCT = "WR Refund Detergent";

// Two cartons sold, one carton refunded from the ticket screen: the keypad
// counts cartons on a carton line, the refund line is "-1 Carton (24)" at
// the carton's price, and the reason chosen goes with the refund.
registry.category("web_tour.tours").add("WholesaleRetailCartonRefundTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            scan_barcode("WRREF024"),
            scan_barcode("WRREF024"),
            ProductScreen.selectedOrderlineHas(PRODUCT, undefined, "120.00"),
            {
                content: "the line is two cartons at the carton price",
                trigger: ".order-container .orderline.selected:has(.qty:text('2 Carton (24)')):has(.price-per-unit:contains('60.00 / Carton (24)'))",
            },
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Bank"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            ReceiptScreen.clickNextOrder(),
            // the ticket screen
            ...ProductScreen.clickRefund(),
            TicketScreen.selectOrder("001"),
            inLeftSide([
                ...Order.hasLine({ productName: PRODUCT, withClass: ".selected" }),
                {
                    content: "the sold line says it is two cartons",
                    trigger: ".ticket-screen .orderline.selected .qty:text('2 Carton (24)')",
                },
            ]),
            // "1" is one carton, not one piece
            ProductScreen.clickNumpad("1"),
            TicketScreen.toRefundTextContains("To Refund: 1 Carton (24)"),
            {
                content: "the cashier gives the reason",
                trigger: ".ticket-screen .o_wholesale_return_reason select",
                run: "selectByLabel Damaged",
            },
            TicketScreen.confirmRefund(),
            PaymentScreen.isShown(),
            PaymentScreen.clickBack(),
            { ...ProductScreen.back(), isActive: ["mobile"] },
            ProductScreen.isShown(),
            inLeftSide([
                ...Order.hasLine({ productName: PRODUCT, price: "60.00" }),
                {
                    content: "the refund line is the carton, at the carton price",
                    trigger: ".order-container .orderline:has(.qty:text('-1 Carton (24)')):has(.price-per-unit:contains('60.00 / Carton (24)'))",
                },
            ]),
            ProductScreen.totalAmountIs("-60.00"),
            { ...ProductScreen.back(), isActive: ["mobile"] },
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Bank"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "the refund receipt names the carton",
                trigger: ".pos-receipt .orderline .qty:text('-1 Carton (24)')",
            },
            ReceiptScreen.clickNextOrder(),
            ...ProductScreen.clickRefund(),
            TicketScreen.selectOrder("001"),
            TicketScreen.refundedNoteContains("1 Carton (24) Refunded"),
            Chrome.endTour(),
        ].flat(),
});

// Return Goods in the back office: a receipt's barcode scanned on the empty
// form finds the POS sale and lists its lines; two pieces go back to stock.
registry.category("web_tour.tours").add("WholesaleRetailReturnWizardScanTour", {
    url: "/odoo/action-wholesale_retail.wholesale_return_wizard_action",
    steps: () => [
        {
            content: "the Return Goods form is open",
            trigger: ".o_form_view .o_field_widget[name=reference] input",
        },
        {
            content: "scan the receipt's barcode",
            trigger: ".o_form_view",
            run: () => {
                // the scanner types fast and ends with Enter, focus on the page
                document.activeElement?.blur();
                simulateBarCode([..."Order 00042-001-0001", "Enter"]);
            },
        },
        {
            content: "the receipt's sale is found, its line listed",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains('WR Scan Kettle')",
        },
        {
            content: "the reference shows what was scanned",
            trigger: ".o_field_widget[name=reference] input:value(Order 00042-001-0001)",
        },
        {
            content: "return two pieces",
            trigger: ".o_field_widget[name=line_ids] .o_data_row:contains('WR Scan Kettle') td[name=qty]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=line_ids] .o_data_row td[name=qty] input",
            run: "edit 2",
        },
        {
            content: "the reason",
            trigger: ".o_field_widget[name=reason_id] input",
            run: "edit Wrong",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Wrong item')",
            run: "click",
        },
        {
            content: "confirm the return",
            trigger: ".modal-footer button[name=action_confirm], .o_form_view button[name=action_confirm]",
            run: "click",
        },
        {
            content: "the goods are returned",
            trigger: ".o_notification:contains('Goods returned')",
        },
    ],
});
