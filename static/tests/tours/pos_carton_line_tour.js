import * as Chrome from "@point_of_sale/../tests/pos/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/generic_helpers/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/pos/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/pos/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/pos/tours/utils/receipt_screen_util";
import * as TicketScreen from "@point_of_sale/../tests/pos/tours/utils/ticket_screen_util";
import { registry } from "@web/core/registry";
import { scan_barcode } from "@point_of_sale/../tests/generic_helpers/utils";

const PRODUCT = "WR Carton Rice";

/**
 * Checks that the order line of PRODUCT in `container` reads exactly `qty` as
 * its quantity, at `unitPrice` a carton, for `total`; and nowhere as a price
 * per piece ("/ Units").
 */
function lineReads(container, qty, unitPrice, total) {
    const line = `${container} .orderline:has(.product-name:contains("${PRODUCT}"))`;
    return [
        {
            content: `the line reads "${qty}" at ${unitPrice}, ${total} in all`,
            trigger: `${line}:has(.qty:text("${qty}")):has(.price-per-unit:contains("${unitPrice} / ")):has(.price:contains("${total}"))`,
        },
        {
            content: "no price per piece on the line",
            trigger: `${line}:not(:contains("/ Units"))`,
        },
    ];
}

/** The line the customer display is sent reads `qty` x `unitPrice` / `unit`. */
function customerDisplayReads(qty, unitPrice, unit) {
    return {
        content: `the customer display is sent ${qty} x ${unitPrice} / ${unit}`,
        trigger: ".order-container .orderline",
        run: () => {
            // looked up in the POS page: tours load in back-office pages too,
            // where a static import of a POS module could not be resolved
            const { CustomerDisplayPosAdapter } = odoo.loader.modules.get(
                "@point_of_sale/app/customer_display/customer_display_adapter"
            );
            const adapter = new CustomerDisplayPosAdapter();
            adapter.formatOrderData(window.posmodel.getOrder());
            const line = adapter.data.lines.find((l) => l.productName.includes(PRODUCT));
            const got = `${line?.qty} x ${line?.unitPrice} / ${line?.unit}`;
            if (line?.qty !== qty || !line.unitPrice.includes(unitPrice) || line.unit !== unit) {
                throw new Error(`the customer display is sent ${got}`);
            }
        },
    };
}

// A carton of 100 at 263.35: one line "1 Carton (100)" at 263.35 a carton, on
// the order screen and on the receipt; the total keeps its cents (100 pieces
// at 2.6335, not at 2.63). Then 150 pieces typed on a carton line: "1 Carton
// (100) + 50 Units", still at the carton's price. Last, the carton is refunded
// from the ticket screen: "-1 Carton (100)", 263.35 back.
registry.category("web_tour.tours").add("WholesaleRetailCartonLineTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            scan_barcode("WRRICE100"),
            lineReads(".order-container", "1 Carton (100)", "263.35", "263.35"),
            ProductScreen.totalAmountIs("263.35"),
            customerDisplayReads("1", "263.35", "Carton (100)"),
            scan_barcode("WRRICE100"),
            lineReads(".order-container", "2 Carton (100)", "263.35", "526.70"),
            ProductScreen.totalAmountIs("526.70"),
            // the cashier types 150 pieces on the line, then 100
            ProductScreen.clickNumpad("1", "5", "0"),
            lineReads(".order-container", "1 Carton (100) + 50 Units", "263.35", "395.03"),
            customerDisplayReads("150", "2.63", "Units"),
            ProductScreen.clickNumpad("⌫", "⌫", "0", "0"),
            lineReads(".order-container", "1 Carton (100)", "263.35", "263.35"),
            ProductScreen.totalAmountIs("263.35"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Bank"),
            PaymentScreen.remainingIs("0.00"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "the receipt's total is the carton's price",
                trigger: '.pos-receipt .receipt-total:contains("263.35")',
            },
            lineReads(".pos-receipt", "1 Carton (100)", "263.35", "263.35"),
            ReceiptScreen.clickNextOrder(),
            // the refund gives back what the carton cost
            ...ProductScreen.clickRefund(),
            TicketScreen.selectOrder("001"),
            lineReads(".ticket-screen", "1 Carton (100)", "263.35", "263.35"),
            ProductScreen.clickNumpad("1"),
            TicketScreen.toRefundTextContains("To Refund: 1 Carton (100)"),
            TicketScreen.confirmRefund(),
            PaymentScreen.isShown(),
            PaymentScreen.clickPaymentMethod("Bank"),
            PaymentScreen.remainingIs("0.00"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            lineReads(".pos-receipt", "-1 Carton (100)", "263.35", "263.35"),
            Chrome.endTour(),
        ].flat(),
});
