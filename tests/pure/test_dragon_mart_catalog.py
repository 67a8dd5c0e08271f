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
    assert categories["Drinks"] >= 90


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


def test_most_products_have_a_ladder_and_drinks_go_by_24():
    products = dm.catalog()
    with_ladder = [p for p in products if p["steps"]]
    assert len(with_ladder) > 0.8 * len(products)
    for product in products:
        wholesale_steps = [s for s in product["steps"] if s["wholesale"]]
        assert len(wholesale_steps) <= 1
        pieces = [s["pieces"] for s in product["steps"]]
        assert pieces == sorted(pieces) and all(p > 1 for p in pieces)
        if product["category"] == "Drinks":
            assert pieces[0] == 24
            assert pieces[1:] in ([], [960])
    assert any(
        len(p["steps"]) == 2 and p["steps"][1]["pieces"] == 960 for p in products
    )


def test_prices_give_a_margin_and_steps_are_cheaper_per_piece():
    for product in dm.catalog():
        assert 0 < product["cost"] < product["wholesale_price"] < product["price"]
        for step in product["steps"]:
            per_piece_retail = step["retail_price"] / step["pieces"]
            per_piece_wholesale = step["wholesale_price"] / step["pieces"]
            assert per_piece_retail <= product["price"] + 1e-9
            assert (
                product["cost"]
                < per_piece_wholesale
                <= product["wholesale_price"] + 1e-9
            )


def test_retail_round():
    assert dm.retail_round(0.61) == 0.65
    assert dm.retail_round(7.2) == 7.49
    assert dm.retail_round(7.6) == 7.99
    assert dm.retail_round(41.2) == 41.99


def test_customers_have_terms_and_the_history_covers_three_months():
    customers = dm.customers()
    assert len(customers) == 20
    assert {c["term"] for c in customers} <= set(dm.TERM_DAYS)
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
