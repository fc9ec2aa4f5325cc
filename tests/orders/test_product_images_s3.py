"""The whole path on object storage: a manager uploads a picture, it lands in an
S3-compatible bucket (moto's server, started by the test on a free loopback port), a real
Celery worker takes the task from Redis and makes the renditions, and every URL the API
gives answers with the picture."""

import json
import time
from urllib.request import urlopen

import boto3
import pytest
from botocore.config import Config
from celery.contrib.testing.worker import start_worker
from moto.server import ThreadedMotoServer
from PIL import Image

from accounts.roles import MANAGER
from config.celery import app as celery_app
from orders.models import ProductImage
from tests.factories import ProductFactory
from tests.orders.pictures import photo_bytes, upload
from tests.orders.staff_helpers import role_member

BUCKET = "orderly-test-pictures"
PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/*",
        }
    ],
}


@pytest.fixture
def s3_bucket(settings):
    """A bucket on moto's S3 server, and Django's default storage pointed at it."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    s3 = _client(endpoint)
    s3.create_bucket(Bucket=BUCKET)
    # What the README asks of a shop's bucket: anyone may read the pictures.
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_READ))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "querystring_auth": False,
                "default_acl": None,
                "file_overwrite": True,
                "addressing_style": "path",
                "client_config": Config(connect_timeout=3, read_timeout=10),
            },
        },
    }
    yield endpoint
    server.stop()


def _client(endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def _bucket_keys(endpoint) -> list[str]:
    listed = _client(endpoint).list_objects_v2(Bucket=BUCKET)
    return sorted(o["Key"] for o in listed.get("Contents", []))


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_picture_goes_to_the_bucket_and_a_real_worker_makes_its_renditions(
    real_worker_mode, s3_bucket, api_client
):
    loaf = ProductFactory(slug="country-sourdough")
    api_client.force_authenticate(role_member(MANAGER))

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response = api_client.post(
            f"/api/v1/products/{loaf.slug}/images/",
            {"image": upload(photo_bytes()), "alt": "A dark loaf"},
            format="multipart",
        )
        assert response.status_code == 201, response.json()
        for _ in range(300):
            if ProductImage.objects.get(product=loaf).renditions_status == "ready":
                break
            time.sleep(0.05)

    image = ProductImage.objects.get(product=loaf)
    assert image.renditions_status == "ready", image.renditions_error
    assert len(_bucket_keys(s3_bucket)) == 4
    picture = api_client.get(f"/api/v1/products/{loaf.slug}/").json()["images"][0]
    urls = [picture["url"], *picture["renditions"].values()]
    assert all(url.startswith(f"{s3_bucket}/{BUCKET}/products/") for url in urls)
    for url, width in zip(urls, (1200, 200, 400, 800), strict=True):
        with urlopen(url, timeout=10) as reply:
            assert reply.status == 200
            assert reply.headers["Content-Type"].startswith("image/")
            with Image.open(reply) as served:
                assert served.width == width
                assert not served.getexif()


@pytest.mark.django_db
def test_a_bucket_that_does_not_answer_is_a_503_naming_image_and_keeps_nothing(
    settings, api_client
):
    """A dead port on loopback stands for a bucket that is down: the upload fails within
    its timeouts, says so, and no picture row is written."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": "http://127.0.0.1:9",
                "access_key": "test",
                "secret_key": "test",
                "addressing_style": "path",
                "client_config": Config(
                    connect_timeout=1, read_timeout=1, retries={"max_attempts": 1}
                ),
            },
        },
    }
    loaf = ProductFactory()
    api_client.force_authenticate(role_member(MANAGER))

    started = time.monotonic()
    response = api_client.post(
        f"/api/v1/products/{loaf.slug}/images/",
        {"image": upload(photo_bytes())},
        format="multipart",
    )

    assert response.status_code == 503
    assert response.json()["field"] == "image"
    assert "try again" in response.json()["detail"]
    assert time.monotonic() - started < 10
    assert not ProductImage.objects.exists()
