"""Redis as Django's cache, where a cache is a convenience (the API's throttles): when
Redis is down, reads miss and writes are dropped, logged, and no request fails with it."""

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def _forgiving(default):
    def wrap(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except (RedisError, OSError):
                log.warning("Cache unavailable: %s skipped", method.__name__, exc_info=True)
                return default(*args, **kwargs) if callable(default) else default

        return call

    return wrap


class TolerantRedisCache(RedisCache):
    get = _forgiving(lambda key, default=None, version=None: default)(RedisCache.get)
    get_many = _forgiving({})(RedisCache.get_many)
    has_key = _forgiving(False)(RedisCache.has_key)
    set = _forgiving(None)(RedisCache.set)
    set_many = _forgiving([])(RedisCache.set_many)
    add = _forgiving(False)(RedisCache.add)
    touch = _forgiving(False)(RedisCache.touch)
    delete = _forgiving(False)(RedisCache.delete)
    delete_many = _forgiving(None)(RedisCache.delete_many)
    incr = _forgiving(lambda key, delta=1, version=None: delta)(RedisCache.incr)
    clear = _forgiving(None)(RedisCache.clear)
