import * as Chrome from "@point_of_sale/../tests/pos/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/generic_helpers/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/pos/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/pos/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/pos/tours/utils/receipt_screen_util";
import { registry } from "@web/core/registry";
import { scan_barcode } from "@point_of_sale/../tests/generic_helpers/utils";

/** Scan a carton barcode: one line "1 Carton (24)" at 60.00 a carton. */
function scanCarton(barcode, productName) {
    return [
        scan_barcode(barcode),
        // one carton of 24 at the carton price (60.00), not 24 x 3.00
        ProductScreen.selectedOrderlineHas(productName, undefined, "60.00"),
        {
            content: `the line of ${productName} reads as one carton at the carton price`,
            trigger: `.order-container .orderline.selected:has(.product-name:contains("${productName}")):has(.qty:text("1 Carton (24)")):has(.price-per-unit:contains("60.00 / Carton (24)"))`,
        },
    ].flat();
}

function payByBank() {
    return [
        ProductScreen.clickPayButton(),
        PaymentScreen.clickPaymentMethod("Bank"),
        PaymentScreen.clickValidate(),
        ReceiptScreen.isShown(),
        {
            content: "the receipt names the carton too",
            trigger: ".pos-receipt .orderline:has(.qty:text('1 Carton (24)')):has(.price-per-unit:contains('60.00 / Carton (24)'))",
        },
    ].flat();
}

registry.category("web_tour.tours").add("WholesaleRetailUnitLadderTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            scanCarton("WRTOUR024", "WR Tour Detergent"),
            ProductScreen.totalAmountIs("60.00"),
            payByBank(),
            Chrome.endTour(),
        ].flat(),
});

// A GS1 carton code starting with "10", which the default nomenclature reads
// as a lot number, then a customer card: the nomenclature still reads it.
registry.category("web_tour.tours").add("WholesaleRetailGs1CartonTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            scanCarton("10999001007064", "WR Dragon Cola"),
            ProductScreen.totalAmountIs("60.00"),
            scan_barcode("0421000000015"),
            ProductScreen.customerIsSelected("WR Barcode Customer"),
            payByBank(),
            Chrome.endTour(),
        ].flat(),
});

// Products the POS did not load at start: a "10..." carton (read as a lot) and
// a "20..." carton (read as a product), then a customer card.
registry.category("web_tour.tours").add("WholesaleRetailLazyCartonTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            scanCarton("10999001007071", "WR Lazy Cola"),
            scanCarton("20999001007061", "WR Lazy Tea"),
            ProductScreen.totalAmountIs("120.00"),
            scan_barcode("0421000000015"),
            ProductScreen.customerIsSelected("WR Barcode Customer"),
            payByBank(),
            Chrome.endTour(),
        ].flat(),
});

// The payment screen asks the server first: 3 kettles while a wholesale order
// holds 8 of the 10 on hand is refused before any payment can be taken.
registry.category("web_tour.tours").add("WholesaleRetailPaymentCheckTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.clickDisplayedProduct("WR Held Kettle"),
            ProductScreen.clickDisplayedProduct("WR Held Kettle"),
            ProductScreen.clickDisplayedProduct("WR Held Kettle", true, "3.0"),
            ProductScreen.clickPayButton(false),
            Dialog.is({ title: "Not enough stock" }),
            Dialog.bodyIs("3 pcs in the order, 2 pcs may be sold here"),
            // and says which order holds the rest
            Dialog.bodyIs("Held: 8 pcs for S"),
            Dialog.confirm(),
            {
                content: "the cashier is still on the product screen, nothing was paid",
                trigger: ".pos-content .product-screen",
            },
            Chrome.endTour(),
        ].flat(),
});
