"""The shared cache (Redis), failing open.

Redis holds only what can be lost (README, "Redis"): rate-limit counters, the public data
version, GeoJSON bodies and map tiles. While it is down or slow, a read misses, a write is
dropped and a counter starts again, so every page, the map's data and the forms keep
answering (from the database, without limits) instead of failing with the cache; each
failed call is logged. Short socket timeouts keep a hung Redis from holding a request.
"""

import functools
import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _fail_open(answer):
    """Run the cache method; on a Redis error, log it and return ``answer(*args, **kwargs)``."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                logger.warning("Cache unavailable, %s skipped: %r", method.__name__, error)
                return answer(*args, **kwargs)

        return wrapper

    return decorate


def _missing_key(key, *args, **kwargs):
    raise ValueError(f"Key {key!r} not found")  # as incr() says of a key that is not there


class OneClientPerPool(RedisCacheClient):
    """Django's client, keeping one redis-py client per connection pool.

    Django builds a new redis-py client for every call, and building one took a tenth of
    a kept nearest answer's time (make bench, BENCHMARKS.md). A redis-py client holds no
    state of its own between commands: its pool gives each command a connection, and
    after a fork the pool opens new ones (gunicorn's workers fork from the master)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = OneClientPerPool

    get = _fail_open(lambda key, default=None, version=None: default)(RedisCache.get)
    get_many = _fail_open(lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _fail_open(lambda *args, **kwargs: False)(RedisCache.has_key)
    add = _fail_open(lambda *args, **kwargs: False)(RedisCache.add)
    set = _fail_open(lambda *args, **kwargs: None)(RedisCache.set)
    set_many = _fail_open(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    touch = _fail_open(lambda *args, **kwargs: False)(RedisCache.touch)
    incr = _fail_open(_missing_key)(RedisCache.incr)
    delete = _fail_open(lambda *args, **kwargs: False)(RedisCache.delete)
    delete_many = _fail_open(lambda *args, **kwargs: None)(RedisCache.delete_many)
    clear = _fail_open(lambda *args, **kwargs: False)(RedisCache.clear)
