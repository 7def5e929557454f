"""--s3-endpoint: links point straight at that S3, and uploads are found there by HEAD.

A second moto server stands in for MinIO or AWS here (it is what this machine can run).
"""

import pytest
import requests
from moto.server import ThreadedMotoServer

from mockserver.app import create_app
from mockserver.core.runtime import Runtime
from mockserver.settings import Settings
from tests.seekpass.helpers import BATCH_PATH, auth, sample_batch, token


@pytest.fixture
def external_s3():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def test_uploads_go_to_the_external_endpoint_and_are_noticed(external_s3) -> None:
    runtime = Runtime(Settings(s3_endpoint=external_s3, s3_bucket="shared-sandbox"))
    try:
        client = create_app(runtime=runtime).test_client()
        assert client.get("/_mock/health").get_json()["object_storage"] == "external S3"
        body = client.post(BATCH_PATH, json=sample_batch(), headers=auth(token(client))).get_json()
        link = body["asset_uploads"][0]["url"]
        assert link.startswith(f"{external_s3}/shared-sandbox/")
        put = requests.put(
            link, data=b"%PDF-1.4", headers={"Content-Type": "application/pdf"}, timeout=10
        )
        assert put.status_code == 200
        requests_state = client.get("/_mock/seekpass/requests").get_json()["requests"][0]
        assert requests_state["uploads"][0]["status"] == "uploaded"
        assert requests_state["uploads"][0]["size"] == 8
        assert [u["status"] for u in requests_state["uploads"][1:]] == ["pending"] * 3
    finally:
        runtime.close()


def test_with_an_external_s3_and_a_data_dir_uploads_survive_a_restart(
    external_s3, tmp_path
) -> None:
    settings = Settings(s3_endpoint=external_s3, s3_bucket="durable", data_dir=str(tmp_path))
    first = Runtime(settings)
    try:
        client = create_app(runtime=first).test_client()
        body = client.post(BATCH_PATH, json=sample_batch(), headers=auth(token(client))).get_json()
        link = body["asset_uploads"][0]["url"]
        assert (
            requests.put(
                link, data=b"%PDF-1.4 kept", headers={"Content-Type": "application/pdf"}, timeout=10
            ).status_code
            == 200
        )
        client.get("/_mock/seekpass/requests")  # notices the upload (HEAD) and records it
    finally:
        first.close()
    second = Runtime(Settings(s3_endpoint=external_s3, s3_bucket="durable", data_dir=str(tmp_path)))
    try:
        client = create_app(runtime=second).test_client()
        state = client.get("/_mock/seekpass/requests").get_json()["requests"][0]
        assert state["uploads"][0]["status"] == "uploaded" and state["uploads"][0]["size"] == 13
        record = next(u for u in second.uploads.all() if u["status"] == "uploaded")
        assert second.storage.get(record["key"]) == b"%PDF-1.4 kept"  # the object itself
    finally:
        second.close()
