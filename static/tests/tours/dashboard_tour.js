import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const FIGURE = ".o_wholesale_retail_dashboard .o_wholesale_retail_figure";

/** The list shows exactly one row, and it contains ``text``. */
function listsOnly(text) {
    return {
        content: `the list shows only "${text}"`,
        trigger: `.o_list_view .o_data_row:contains(${text})`,
        run() {
            const rows = [...document.querySelectorAll(".o_list_view .o_data_row")];
            if (rows.length !== 1) {
                throw new Error(`expected 1 row, the list shows ${rows.length}`);
            }
        },
    };
}

// The Overview is a dashboard, not a record: no pager, the breadcrumb reads
// "Overview", and each figure opens the list of the records it counts.
registry.category("web_tour.tours").add("WholesaleRetailDashboardTour", {
    steps: () => [
        ...stepUtils.goToAppSteps(
            "wholesale_retail.wholesale_retail_menu_root",
            "Open Wholesale & Retail"
        ),
        {
            content: "open the Overview menu",
            trigger: ".o_main_navbar [data-menu-xmlid='wholesale_retail.wholesale_overview_menu']",
            run: "click",
        },
        {
            content: "the dashboard shows its figures",
            trigger: `${FIGURE}[data-figure='oversell_open'] .o_wholesale_retail_value:contains(1)`,
        },
        {
            content: "the breadcrumb reads Overview",
            trigger: ".o_control_panel .o_last_breadcrumb_item.active:contains(Overview)",
        },
        {
            content: "there is no record pager",
            trigger: ".o_action_manager:has(.o_wholesale_retail_dashboard):not(:has(.o_pager))",
        },
        {
            content: "open the open oversell incidents",
            trigger: `${FIGURE}[data-figure='oversell_open']`,
            run: "click",
        },
        {
            content: "the list of open incidents opens",
            trigger: ".o_control_panel .o_last_breadcrumb_item.active:contains(Open Oversell Incidents)",
        },
        listsOnly("WR Dash Oversold Fan"),
        {
            content: "the settled incident is not listed",
            trigger: ".o_list_view:not(:has(.o_data_row:contains(WR Dash Settled Fan)))",
        },
        {
            content: "back to the Overview",
            trigger: ".o_control_panel .breadcrumb-item a:contains(Overview)",
            run: "click",
        },
        {
            content: "open the wholesale desk's sales of today",
            trigger: `${FIGURE}[data-figure='sales:today:desk']`,
            run: "click",
        },
        {
            content: "the list of today's wholesale orders opens",
            trigger: ".o_control_panel .o_last_breadcrumb_item.active:contains(Today)",
        },
        listsOnly("WR Dash Wholesaler"),
        {
            content: "and not the quotation",
            trigger: ".o_list_view:not(:has(.o_data_row:contains(WR Dash Prospect)))",
        },
    ],
});
