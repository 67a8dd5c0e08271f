"""Plain pytest for the demo shop's pure catalog helpers (no Odoo needed)."""

import collections
import importlib.util
import random
from datetime import date
from pathlib import Path

LOADER = Path(__file__).resolve().parents[2] / "demo" / "dragon_mart.py"
spec = importlib.util.spec_from_file_location("dragon_mart", LOADER)
dm = importlib.util.module_from_spec(spec)
spec.loader.exec_module(dm)


def test_gs1_check_digits():
    # a published EAN-13 and GTIN-14 pair
    assert dm.gs1_check_digit("400638133393") == "1"
    assert dm.gtin14(1, "4006381333931") == "14006381333938"
    assert dm.ean13(1) == "0890123000014"


def test_catalog_is_stable_and_about_800_products():
    first = dm.catalog()
    assert first == dm.catalog()
    assert first != dm.catalog(seed=1)
    assert len(first) == 800
    categories = collections.Counter(p["category"] for p in first)
    assert set(categories) == set(dm.CATEGORY_MARGINS)
    assert "Drinks" not in categories
    assert categories["Plugs & Adaptors"] >= 50
    assert categories["Phone Accessories"] >= 30


def test_product_names_are_what_a_dragon_mart_electronics_dealer_stocks():
    products = dm.catalog()
    names = [p["name"] for p in products]
    assert len(set(names)) == len(names)
    # the seed's scenario: a rice cooker model
    assert "Dragon Basic Rice Cooker 1.0 L" in names
    drinks = ("Cola", "Juice", "Water", "Tea ", "Soda", "Drink")
    assert not [n for n in names if any(word in n for word in drinks)]
    by_category = collections.defaultdict(list)
    for product in products:
        by_category[product["category"]].append(product["name"])
    # the UAE's sockets and plugs are the UK type (BS 1363, 13 A)
    assert all("UK 13 A" in n for n in by_category["Extension Sockets"])
    assert all(
        n.endswith("UK Plug")
        for n in by_category["Chargers & Power Banks"]
        if "Wall Charger" in n
    )
    assert "SafePlug 3-Pin Plug Top 13 A (BS 1363)" in by_category["Plugs & Adaptors"]
    for category, needle in (
        ("Kettles", "Kettle"),
        ("Fans", "Fan"),
        ("Cables", "Cable"),
        ("Batteries", "Pack"),
        ("Light Bulbs", "LED Bulb"),
    ):
        assert all(needle in n for n in by_category[category]), category


def test_codes_and_barcodes_are_unique():
    products = dm.catalog()
    codes = [p["code"] for p in products]
    assert len(set(codes)) == len(codes)
    assert all(code.startswith(dm.CODE_PREFIX) for code in codes)
    barcodes = [p["barcode"] for p in products] + [
        s["barcode"] for p in products for s in p["steps"]
    ]
    assert len(set(barcodes)) == len(barcodes)
    for barcode in barcodes:
        assert barcode[-1] == dm.gs1_check_digit(barcode[:-1])


def test_most_products_have_a_ladder_and_plugs_go_by_24_and_960():
    products = dm.catalog()
    with_ladder = [p for p in products if p["steps"]]
    assert len(with_ladder) > 0.8 * len(products)
    for product in products:
        wholesale_steps = [s for s in product["steps"] if s["wholesale"]]
        assert len(wholesale_steps) <= 1
        pieces = [s["pieces"] for s in product["steps"]]
        assert pieces == sorted(pieces) and all(p > 1 for p in pieces)
        if product["category"] == "Plugs & Adaptors":
            assert pieces[0] == 24 and product["steps"][0]["wholesale"]
            assert pieces[1:] in ([], [960])
    assert any(
        len(p["steps"]) == 2 and p["steps"][1]["pieces"] == 960 for p in products
    )


def test_prices_give_a_margin_and_steps_are_cheaper_per_piece():
    for product in dm.catalog():
        # the shelf price includes 5 % VAT; wholesale prices and costs do not
        net_retail = product["price"] / (1 + dm.VAT_RATE)
        assert 0 < product["cost"] < product["wholesale_price"] < net_retail
        for step in product["steps"]:
            per_piece_retail = step["retail_price"] / step["pieces"]
            per_piece_wholesale = step["wholesale_price"] / step["pieces"]
            assert per_piece_retail <= product["price"] + 1e-9
            assert (
                product["cost"]
                < per_piece_wholesale
                <= product["wholesale_price"] + 1e-9
            )


def test_prices_are_in_dirhams_rounded_as_uae_shops_do():
    products = dm.catalog()
    for product in products:
        price = product["price"]
        assert price == dm.retail_round(price)
        if price < 10:
            assert (price * 4) == int(price * 4)
        elif price < 100:
            assert (price * 2) == int(price * 2)
        else:
            assert price == int(price) and int(price) % 10 == 9
    rice = [p["price"] for p in products if p["category"] == "Rice Cookers"]
    # about 3.67 times the dollar prices: a basic 0.6 L cooker near AED 80-100,
    # an induction 2.2 L one near AED 400-500
    assert 60 < min(rice) < 120 and 300 < max(rice) < 600
    cables = [p["price"] for p in products if p["category"] == "Cables"]
    assert 2 < min(cables) and max(cables) < 100


def test_retail_round():
    assert dm.retail_round(4.6) == 4.75
    assert dm.retail_round(4.75) == 4.75
    assert dm.retail_round(48.7) == 49.0
    assert dm.retail_round(89.2) == 89.5
    assert dm.retail_round(141.3) == 149.0
    assert dm.retail_round(99.5) == 99.5
    assert dm.retail_round(99.8) == 109.0
    assert dm.retail_round(100.0) == 109.0
    assert dm.retail_round(109.0) == 109.0


def test_customers_are_in_the_emirates_and_the_gulf():
    customers = dm.customers()
    assert customers == dm.customers()
    assert len(customers) == dm.WHOLESALE_CUSTOMER_COUNT == 25
    assert len({c["ref"] for c in customers}) == 25
    assert len({c["name"] for c in customers}) == 25
    uae = [c for c in customers if c["country"] == "AE"]
    region = [c for c in customers if c["country"] != "AE"]
    assert len(uae) == 20
    assert {c["city"] for c in uae} >= {
        "Dubai",
        "Sharjah",
        "Ajman",
        "Abu Dhabi",
        "Al Ain",
        "Ras Al Khaimah",
        "Fujairah",
    }
    # every UAE customer has its emirate (it picks l10n_ae's fiscal position)
    emirates = {"DU", "AZ", "SH", "AJ", "UQ", "RK", "FU"}
    assert all(c["state"] in emirates for c in uae)
    assert {c["state"] for c in uae if c["city"] == "Al Ain"} == {"AZ"}
    assert sorted(c["country"] for c in region) == ["BH", "KW", "OM", "QA", "SA"]
    assert all(c["state"] is None for c in region)
    assert {c["term"] for c in customers} <= set(dm.TERM_DAYS)
    assert {c["credit_limit"] for c in customers} <= set(dm.CREDIT_LIMITS)
    assert any(c["pays_late"] for c in customers)


def test_the_shop_is_in_dragon_mart_dubai_and_buys_in_china():
    assert dm.SHOP_NAME == "Dragon Mart Electronics"
    assert dm.COMPANY_ADDRESS["city"] == "Dubai"
    assert "Dragon Mart" in dm.COMPANY_ADDRESS["street"]
    assert dm.COMPANY_ADDRESS["street2"] == "International City"
    assert (dm.COUNTRY_CODE, dm.CURRENCY, dm.CHART_TEMPLATE) == ("AE", "AED", "ae")
    assert dm.TIME_ZONE == "Asia/Dubai"
    trn = dm.COMPANY_ADDRESS["vat"]
    assert len(trn) == 15 and trn.isdigit()
    assert [city for _name, city in dm.VENDORS] == ["Guangzhou", "Yiwu"]


def test_the_history_covers_three_months():
    days = dm.history_days(date(2026, 11, 22), months=3)
    assert days[-1] == date(2026, 11, 21)
    assert 88 <= len(days) <= 93


def test_plan_day_closes_wholesale_on_sunday():
    rng = random.Random(3)
    sunday = date(2026, 11, 22)
    assert sunday.weekday() == 6
    assert all(dm.plan_day(rng, sunday, 5, 10)[0] == 0 for _n in range(20))
    total_pos = sum(dm.plan_day(rng, date(2026, 11, 20), 3, 10)[1] for _n in range(200))
    assert 1500 < total_pos < 3000


def test_weighted_sample_is_distinct():
    rng = random.Random(5)
    items = list(range(10))
    picked = dm.weighted_sample(rng, items, [1] * 10, 4)
    assert len(set(picked)) == 4
    assert dm.weighted_sample(rng, items, [1] * 10, 20) != []
