"""Answers shaped as the providers' own example responses: the same field names and nesting
(values differ), for the examples our first answers did not match (designs, analytics,
blockchain data in all three variants)."""

from __future__ import annotations

from typing import Any

from tests.accredible.helpers import AUTH, BASE, create, credential, example

FREE_FORM = {"meta_data", "custom_attributes"}  # the client's own keys, not the API's


def shape(value: Any) -> Any:
    """Field names and nesting, without values: a dict's keys (each with its own shape) and
    a list's first item's shape; a free-form object's keys are the client's, so not compared."""
    if isinstance(value, dict):
        return {key: None if key in FREE_FORM else shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return None


def test_a_design_carries_its_image_and_the_groups_that_use_it(client) -> None:
    create(client, credential(email="design@example.com"))  # group 9001 uses design 501
    design = client.get(f"{BASE}/v1/designs/501", headers=AUTH).get_json()
    assert shape(design) == shape(example("view_design.200.json"))
    groups = design["design"]["groups"]
    assert {g["id"] for g in groups} >= {9001}
    intro = next(g for g in groups if g["id"] == 9001)
    assert intro["credentials_count"] >= 1
    image = client.get(
        "/accredible" + design["design"]["rasterized_content_url"].split("/accredible", 1)[1]
    )
    assert image.status_code == 200 and image.mimetype == "image/svg+xml"
    listed = client.get(f"{BASE}/v1/designs", headers=AUTH).get_json()["designs"]
    assert all(shape(d) == shape(example("view_design.200.json")["design"]) for d in listed)


def test_analytics_items_name_the_credential_as_the_example_does(client) -> None:
    made = create(client, credential(email="seen@example.com", id="LIC-1")).get_json()
    # A verifier reading blockchain data is an event (group 9001 records on a blockchain).
    client.get(f"{BASE}/v1/credentials/blockchain_data/{made['credential']['encoded_id']}")
    answer = client.get(f"{BASE}/v1/analytics", headers=AUTH).get_json()
    assert answer["analytics"], answer
    assert shape(answer) == shape(example("analytics.200.json"))
    ours = [a for a in answer["analytics"] if a["credential"]["id"] == made["credential"]["id"]]
    assert ours and ours[0]["credential"]["license_id"] == "LIC-1"


def _blockchain_credential(client) -> dict[str, Any]:
    made = create(client, credential(email="chain@example.com")).get_json()  # 9001: blockchain
    return made["credential"]


def test_v1_blockchain_data_has_the_examples_verify_and_ids(client) -> None:
    made = _blockchain_credential(client)
    answer = client.get(f"{BASE}/v1/credentials/blockchain_data/{made['encoded_id']}").get_json()
    assert shape(answer) == shape(example("blockchain_data_v1.200.json"))
    document = answer["data"]["credential_json_data"]
    assert document["certificate"]["id"] == made["url"]  # the credential's URL, not a UUID
    assert document["verify"]["attribute-signed"] == "uid"


def test_v2_blockchain_data_is_bitcoin_unless_ethereum_is_asked_for(client) -> None:
    made = _blockchain_credential(client)
    path = f"{BASE}/v2/credentials/{made['encoded_id']}/blockchain_data"
    bitcoin = client.get(path).get_json()
    assert bitcoin["data"]["chain"] == "Bitcoin"
    assert shape(bitcoin) == shape(example("blockchain_data_v2_bitcoin.200.json"))
    ethereum = client.get(path, headers={"Prefer": "scenario=ethereum_blockchain"}).get_json()
    assert ethereum["data"]["chain"] == "Ethereum"
    assert shape(ethereum) == shape(example("blockchain_data_v2_ethereum.200.json"))
    assert ethereum["data"]["receipt"]["txn_id"].startswith("0x")


def test_collections_search_leaves_out_a_sort_key_it_does_not_sort_by(client) -> None:
    """The documents' own example request sorts on a placeholder key; the API answers it."""
    answer = client.post(
        f"{BASE}/v1/collections/search",
        headers=AUTH,
        json={"query": {}, "sort": {"a_key_it_does_not_have": "asc"}},
    )
    assert answer.status_code == 200, answer.get_json()
    bad_order = client.post(
        f"{BASE}/v1/collections/search",
        headers=AUTH,
        json={"query": {}, "sort": {"name": "sideways"}},
    )
    assert bad_order.status_code == 400
