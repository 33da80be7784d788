"""Redis stays bounded: every entry the app writes expires (README, "Deployment")."""

import pytest
import redis
from django.test import override_settings

from bench.environment import redis_server
from tests.factories import PartnerFactory
from tests.public.test_tiles import get_tile, tile_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(tmp_path):
    """Django's cache on a throw-away Redis, as in production; yields a client to it."""
    with redis_server(tmp_path) as url:
        backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        with override_settings(CACHES={"default": backend}):
            yield redis.Redis.from_url(url)


def test_every_key_written_by_the_public_api_expires(client, redis_cache):
    partner = PartnerFactory(approved=True)
    lon, lat = partner.location.coords
    client.get("/api/v1/partners.geojson", headers={"Accept-Encoding": "gzip"})
    client.get("/api/v1/partners.geojson")
    for z in (0, 5, 9, 13, 17):
        assert get_tile(client, z, *tile_of(lon, lat, z)).status_code == 200
    client.get(f"/api/v1/partners/nearest?lat={lat}&lon={lon}")
    client.post(f"/lieux/{partner.pk}/signaler/", {"reason": "closed"})

    keys = list(redis_cache.scan_iter())
    assert len(keys) >= 7  # the version, the GeoJSON, five tiles, a rate-limit counter
    assert {key: redis_cache.ttl(key) for key in keys if redis_cache.ttl(key) <= 0} == {}
