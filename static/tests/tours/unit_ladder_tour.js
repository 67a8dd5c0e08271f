import * as Chrome from "@point_of_sale/../tests/pos/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/generic_helpers/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/pos/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/pos/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/pos/tours/utils/receipt_screen_util";
import { registry } from "@web/core/registry";
import { scan_barcode } from "@point_of_sale/../tests/generic_helpers/utils";

registry.category("web_tour.tours").add("WholesaleRetailUnitLadderTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            // one carton of 24 at the carton price (60.00), not 24 x 3.00
            scan_barcode("WRTOUR024"),
            ProductScreen.selectedOrderlineHas("WR Tour Detergent", "24", "60.00"),
            {
                content: "the line says it is one carton",
                trigger:
                    ".order-container .orderline.selected .o_wholesale_retail_unit:contains('1 × Carton (24)')",
            },
            ProductScreen.totalAmountIs("60.00"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Bank"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "the receipt names the carton too",
                trigger: ".pos-receipt .o_wholesale_retail_unit:contains('1 × Carton (24)')",
            },
            Chrome.endTour(),
        ].flat(),
});
