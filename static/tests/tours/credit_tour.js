import * as Chrome from "@point_of_sale/../tests/pos/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/generic_helpers/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/pos/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/pos/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/pos/tours/utils/receipt_screen_util";
import { registry } from "@web/core/registry";

// A Customer Account payment beyond the customer's credit (80.00 owed, limit
// 100.00, 30.00 more) is stopped with the figures; the same sale on the
// account of a customer with room is paid.
registry.category("web_tour.tours").add("WholesaleRetailCustomerAccountCreditTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.clickDisplayedProduct("WR Credit Kettle"),
            ProductScreen.clickPartnerButton(),
            ProductScreen.clickCustomer("WR Credit Over"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Customer Account"),
            PaymentScreen.clickValidate(),
            Dialog.is({ title: "Credit hold" }),
            {
                content: "the dialog gives the figures",
                trigger: ".modal-body:contains(WR Credit Over is on credit hold):contains(above the credit limit)",
            },
            Dialog.confirm("Ok"),
            PaymentScreen.isShown(),
            // another customer, with room on the account
            PaymentScreen.clickPartnerButton(),
            PaymentScreen.clickCustomer("WR Credit Room"),
            PaymentScreen.isShown(),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            Chrome.endTour(),
        ].flat(),
});
