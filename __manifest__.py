{
    "name": "Wholesale & Retail",
    "version": "19.0.1.0.0",
    "summary": "One stock pool for wholesale (cartons, credit terms) and retail "
    "(POS, web shops): unit ladders, no overselling, one monthly report",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "wholesale_retail developers",
    "website": "https://github.com/wholesale-retail/wholesale_retail",
    "development_status": "Alpha",
    "application": True,
    "installable": True,
    "depends": ["sale_stock", "sale_margin", "point_of_sale", "pos_sale", "account"],
    "external_dependencies": {"python": ["xlsxwriter", "num2words"]},
    "data": [
        "security/wholesale_retail_groups.xml",
        "security/ir.model.access.csv",
        "security/wholesale_retail_security.xml",
        "views/wholesale_overview_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/wholesale_retail_menus.xml",
    ],
    "assets": {
        "point_of_sale._assets_pos": ["wholesale_retail/static/src/pos/**/*"],
        "web.assets_tests": ["wholesale_retail/static/tests/tours/**/*"],
    },
}
