"""Cleaning readings: pure-Python loops, CPU-bound."""


def normalise(readings):
    cleaned = []
    for reading in readings:
        kwh = reading["kwh"]
        if kwh < 0 or kwh > 1_000:
            continue
        cleaned.append({"meter_id": reading["meter_id"], "kwh": round(kwh * 1000) / 1000})
    return cleaned


def to_kwh(readings):
    return [reading["wh"] / 1000 for reading in readings]


def dedupe(readings):
    seen = set()
    unique = []
    for reading in readings:
        key = (reading["meter_id"], reading["ts"])
        if key not in seen:
            seen.add(key)
            unique.append(reading)
    return unique
