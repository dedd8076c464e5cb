"""With Redis down, the cache misses and forgets instead of failing the request."""

import pytest
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from config.cache import TolerantRedisCache

DOWN = "redis://127.0.0.1:1/0"  # nothing listens there


def test_a_cache_whose_redis_is_down_misses_and_forgets():
    cache = TolerantRedisCache(DOWN, {"OPTIONS": {"socket_connect_timeout": 0.2}})

    assert cache.get("throttle_user_1", []) == []
    assert cache.set("throttle_user_1", [1.0], 60) is None
    assert cache.add("k", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.incr("n", 3) == 3
    cache.delete("k")


def test_the_plain_redis_cache_would_have_failed():
    cache = RedisCache(DOWN, {"OPTIONS": {"socket_connect_timeout": 0.2}})

    with pytest.raises(RedisError):
        cache.get("throttle_user_1")
