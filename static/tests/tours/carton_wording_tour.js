import { registry } from "@web/core/registry";

// A salesperson confirms a wholesale order of 25 cartons when 493 pieces are
// free: the line reads in cartons, and the refusal says it in cartons, with
// the order that holds the rest.
registry.category("web_tour.tours").add("WholesaleRetailCartonWordingTour", {
    steps: () => [
        {
            content: "the order line says its quantity in cartons and pieces",
            trigger: ".o_field_one2many[name=order_line] td[name=wholesale_qty_text]:contains('25 cartons (600 pcs)')",
        },
        {
            content: "confirm the order",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_confirm]:not(.d-none)",
            run: "click",
        },
        {
            content: "the refusal counts in cartons",
            trigger: ".modal .modal-body:contains('25 cartons (600 pcs) ordered, only 20 cartons + 13 pcs free')",
        },
        {
            content: "and names the order that holds the rest",
            trigger: ".modal .modal-body:contains('Held: 10 cartons (240 pcs) for')",
        },
        {
            content: "close the dialog",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "the order is still a quotation",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Quotation')",
        },
    ],
});
