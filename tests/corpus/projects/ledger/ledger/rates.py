"""Exchange rates, loaded once on first use."""

_rates = None


def load_rates():
    return {"EUR": 1.1, "USD": 1.0}


def rate_for(currency):
    global _rates
    if _rates is None:  # expect: PAR701
        _rates = load_rates()
    return _rates[currency]
