import * as Chrome from "@point_of_sale/../tests/pos/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/generic_helpers/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/pos/tours/utils/product_screen_util";
import { registry } from "@web/core/registry";

/**
 * The POS in the cashier's language (tests/test_translations_ui.py sets
 * `window.wholesaleLangTour`: the expected direction, the refusal's title and
 * body as the language's .po file says them, and the English words that must
 * not be on the screen).
 */
function tourData() {
    const data = window.wholesaleLangTour;
    if (!data) {
        throw new Error("window.wholesaleLangTour is not set: start this tour from its Python test");
    }
    return data;
}

function runsInDirection() {
    return {
        content: "the point of sale runs in the language's direction",
        trigger: ".pos .pos-content",
        run: () => {
            const { direction } = tourData();
            for (const selector of [".pos", ".pos-content", ".product-screen"]) {
                const element = document.querySelector(selector);
                const actual = element && getComputedStyle(element).direction;
                if (actual !== direction) {
                    throw new Error(`${selector} runs ${actual}, not ${direction}`);
                }
            }
        },
    };
}

function refusalInTheLanguage() {
    return {
        content: "the refusal says, in the cashier's language, what may be sold",
        trigger: ".modal:not(.o_inactive_modal) .modal-body",
        run: () => {
            const { title, body, english } = tourData();
            const modal = document.querySelector(".modal:not(.o_inactive_modal)");
            const shownTitle = modal.querySelector(".modal-title").textContent.trim();
            const shownBody = modal.querySelector(".modal-body").textContent.trim();
            if (shownTitle !== title) {
                throw new Error(`the refusal's title is "${shownTitle}", not "${title}"`);
            }
            if (shownBody !== body) {
                throw new Error(`the refusal says "${shownBody}", not "${body}"`);
            }
            const left = english.filter((words) => modal.textContent.includes(words));
            if (left.length) {
                throw new Error(`left in English: ${left.join(" | ")}`);
            }
        },
    };
}

// The drill of the language: 21 on hand, "block below 20": one piece may be
// sold, the second is refused in the cashier's language, the line stays at one.
// (`odoo.isTourReady` builds the steps before the test sets the data: the
// product's name is only needed when the tour starts and builds them again)
registry.category("web_tour.tours").add("WholesaleRetailTranslatedPosTour", {
    steps: () => {
        const { product, opening } = window.wholesaleLangTour || {};
        return [
            Chrome.startPoS(),
            // the first cashier of the session counts the cash in the drawer
            opening ? Dialog.confirm() : [],
            runsInDirection(),
            ProductScreen.clickDisplayedProduct(product, true, "1"),
            ProductScreen.clickDisplayedProduct(product),
            refusalInTheLanguage(),
            Dialog.confirm(),
            Dialog.isNot(),
            ProductScreen.selectedOrderlineHas(product, "1"),
            Chrome.endTour(),
        ].flat();
    },
});
