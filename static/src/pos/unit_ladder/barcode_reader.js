import { BarcodeParser } from "@barcodes/js/barcode_parser";
import { BarcodeReader } from "@point_of_sale/app/services/barcode_reader_service";
import { PosStore } from "@point_of_sale/app/services/pos_store";
import { patch } from "@web/core/utils/patch";

/**
 * A product or step barcode scans as that product, whatever else the
 * nomenclature reads in it.
 *
 * The POS reads every scanned code through the company's barcode nomenclature
 * first, and with `stock` installed its typed rules win over the product
 * catch-all: "10..." is a lot, "414..." a location, "PACK..." a package,
 * "041..."/"042..." a cashier/customer card, "22..." a discount. GS1 carton
 * codes (GTIN-14) very often start with "10", so a carton scanned as "Unknown
 * Barcode". Here a code that the nomenclature does not read as a product but
 * that is exactly the barcode of a product, or of one of its units (a ladder
 * step, `product.uom`), parses as a product; core then adds it as usual (one
 * carton at the step price, see pos_order_line.js).
 *
 * Weight, price and quantity codes keep their reading: their digits carry a
 * value and the product's barcode is their base code ("2305000000004" is that
 * product at 0.00, as core's BarcodeScanningTour checks).
 *
 * Products the POS did not load at start (`point_of_sale.limited_product_count`)
 * are looked up on the server by that exact barcode first: core looks them up
 * only for codes the nomenclature reads as a product, and only by product
 * barcode, not by unit barcode.
 */

// Readings that carry a product and a value in the code's digits; the product
// is found by the base code. In-store codes (GS1 prefixes 02 and 2x).
const VALUE_TYPES = new Set(["weight", "price", "quantity"]);
// Readings the POS has no action for ("Unknown Barcode"): a carton code read
// as one of them may be an unloaded product's unit barcode.
const UNHANDLED_TYPES = new Set(["lot", "location", "package", "error", "alias"]);

/** Whether the nomenclature reads `parsed` as a product (with or without a value). */
function readsAsProduct(parsed) {
    if (Array.isArray(parsed)) {
        // GS1: core's product lookup takes the product element
        return parsed.some((element) => element.type === "product");
    }
    return parsed?.type === "product" || VALUE_TYPES.has(parsed?.type);
}

patch(BarcodeParser.prototype, {
    parse_barcode(barcode) {
        const products = this.wholesaleProductBarcodes;
        let parsed;
        let error;
        try {
            parsed = super.parse_barcode(...arguments);
        } catch (parseError) {
            error = parseError;
        }
        if (
            products &&
            (error || !readsAsProduct(parsed)) &&
            products.wholesaleHasProductBarcode(barcode)
        ) {
            return {
                encoding: "any",
                type: "product",
                code: barcode,
                base_code: barcode,
                value: 0,
            };
        }
        if (error) {
            throw error;
        }
        return parsed;
    },
});

patch(BarcodeReader.prototype, {
    async _scan(code) {
        const products = this.wholesaleProductBarcodes;
        if (
            typeof code === "string" &&
            products &&
            !products.wholesaleHasProductBarcode(code, true) &&
            this.wholesaleMayBeUnloadedProduct(code)
        ) {
            try {
                await products.wholesaleLoadProductBarcode(code);
            } catch {
                // offline or a server error: the nomenclature reads the code as
                // it always did, and the scan goes on
            }
        }
        return super._scan(...arguments);
    },

    /** Whether `code`, not a loaded product's, may be an unloaded product's. */
    wholesaleMayBeUnloadedProduct(code) {
        let parsed;
        try {
            parsed = this.parser.parse_barcode(code);
        } catch {
            return true; // not a valid GS1 code: unknown to the nomenclature
        }
        // a plain product code goes through core's lookup too, but that one
        // misses unit barcodes; weight, price and GS1 codes go through it alone.
        // Readings the POS acts on (a customer or cashier card, a discount, a
        // coupon) are not looked up: only those it has no use for.
        if (readsAsProduct(parsed)) {
            return parsed.type === "product";
        }
        return !parsed || UNHANDLED_TYPES.has(parsed.type);
    },

    /** Read exact product and unit barcodes of `pos` before the nomenclature. */
    wholesaleUseProductBarcodes(pos) {
        this.wholesaleProductBarcodes = pos;
        this.parser.wholesaleProductBarcodes = pos;
        if (this.fallbackParser) {
            this.fallbackParser.wholesaleProductBarcodes = pos;
        }
    },
});

patch(PosStore.prototype, {
    async setup() {
        await super.setup(...arguments);
        this.barcodeReader?.wholesaleUseProductBarcodes(this);
    },

    /**
     * The codes a scanned `code` may stand for: itself and, like core's
     * product lookup, itself without the zeros that pad GS1 codes.
     */
    wholesaleBarcodeCandidates(code) {
        const codes = [code];
        if (/^0\d+$/.test(code)) {
            codes.push(String(parseInt(code, 10)));
        }
        return codes;
    },

    /**
     * Whether `code` is the barcode of a loaded product or of one of its units;
     * with `withoutPadding`, also when it is without the leading zeros.
     */
    wholesaleHasProductBarcode(code, withoutPadding = false) {
        const codes = withoutPadding ? this.wholesaleBarcodeCandidates(code) : [code];
        return codes.some(
            (candidate) =>
                this.models["product.product"].getBy("barcode", candidate) ||
                this.models["product.uom"].getBy("barcode", candidate)?.product_id,
        );
    },

    /** Load the product whose barcode, or one of whose units' barcode, is `code`. */
    async wholesaleLoadProductBarcode(code) {
        const codes = this.wholesaleBarcodeCandidates(code);
        await this.loadNewProducts([
            "|",
            ["product_variant_ids.barcode", "in", codes],
            ["product_variant_ids.product_uom_ids.barcode", "in", codes],
        ]);
    },
});
