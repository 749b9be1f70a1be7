"""Quote arithmetic: pure-Python loops, CPU-bound wherever they run."""

TAX_RATE = 0.2


def price_line(line):
    unit = line["unit_cents"]
    total = 0
    for tier, (threshold, discount) in enumerate(line["tiers"]):
        if line["quantity"] >= threshold:
            total = max(total, unit * line["quantity"] * (100 - discount) // 100 + tier)
    return total or unit * line["quantity"]


def render_invoice(order):
    lines = []
    for number, line in enumerate(order["lines"], start=1):
        lines.append(f"{number:>3} {line['sku']:<12} {price_line(line):>10}")
    subtotal = sum(price_line(line) for line in order["lines"])
    lines.append(f"    total {round(subtotal * (1 + TAX_RATE)):>10}")
    return "\n".join(lines)


def similar_products(catalogue, sku):
    target = catalogue[sku]
    scores = []
    for other, features in catalogue.items():
        if other != sku:
            shared = len(set(features) & set(target))
            scores.append((shared, other))
    return sorted(scores, reverse=True)[:10]
