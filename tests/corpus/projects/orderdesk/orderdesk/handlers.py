"""Request handlers. Executors arrive as annotated parameters (the web framework injects
them); tasks come from other modules of the package."""
from concurrent.futures import Executor, ThreadPoolExecutor

from . import stats
from .net import post_json
from .pricing import price_line
from .workers import RecommendationBuilder


def place_order(app, request):
    order = request["order"]
    app.jobs.put(order)
    app.notifications.order_placed(order)
    app.webhooks.dispatch(app.config["webhook_url"], request["body"])
    return {"status": "accepted"}


def quote(request, pool: ThreadPoolExecutor):
    futures = [pool.submit(price_line, line) for line in request["lines"]]  # expect: PAR201
    return {"total": sum(f.result() for f in futures)}


def replay_access_log(paths, pool: ThreadPoolExecutor):
    list(pool.map(stats.record_hit, paths))


def warm_search(search_url, docs, pool: Executor):
    for doc in docs:
        pool.submit(post_json, search_url, doc)  # expect: PAR302


def rebuild_recommendations(catalogue, categories):
    builders = [RecommendationBuilder(catalogue, skus) for skus in categories.values()]  # expect: PAR102
    for b in builders:
        b.start()
    for b in builders:
        b.join()
    merged = {}
    for b in builders:
        merged.update(b.result)
    return merged


def invoices(app, orders):
    return {"invoices": app.reports.render(orders)}
