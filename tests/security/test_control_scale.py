"""The control plane stays linear in the number of tenants: /_mock/tenants groups credentials
by tenant in one pass (it scanned every key for each tenant), and a reset seeds the fixtures'
records in one transaction (it took one per account, twice)."""

from __future__ import annotations

from mockserver.core.provider import credentials_by_tenant


def test_credentials_are_grouped_in_one_pass() -> None:
    keys = {f"k{i}": (f"t{i % 3}", i) for i in range(9)}
    grouped = credentials_by_tenant(keys)
    assert sorted(grouped) == ["t0", "t1", "t2"]
    assert [key for key, _ in grouped["t1"]] == ["k1", "k4", "k7"]


def test_many_tenants_load_list_and_reset(client) -> None:
    n = 300
    body = {
        "accredible": {
            "accounts": [
                {"id": f"a{i}", "api_keys": [{"key": f"ak{i}"}], "groups": [{"id": 1, "name": "g"}]}
                for i in range(n)
            ]
        },
        "springest": {
            "partners": [
                {
                    "id": f"p{i}",
                    "api_keys": [{"key": f"pk{i}"}],
                    "certifications": [{"id": 1, "name": "c"}],
                }
                for i in range(n)
            ]
        },
    }
    assert client.post("/_mock/fixtures", json=body).status_code == 200
    tenants = client.get("/_mock/tenants").get_json()
    assert len(tenants["accredible"]) == len(tenants["springest"]) == n
    assert tenants["accredible"][7]["api_keys"] == [{"key": "ak7", "department_id": None}]
    assert client.post("/_mock/reset").status_code == 200
    # Every account's records are back after the reset, each in its own tenant.
    groups = client.get("/_mock/state?kind=group").get_json()["records"]
    assert len({row["tenant"] for row in groups}) == n
    certifications = client.get("/_mock/state?kind=certification").get_json()["records"]
    assert len({row["tenant"] for row in certifications}) == n
    assert (
        client.get(
            "/accredible/v1/issuer/groups/1", headers={"Authorization": "Token token=ak299"}
        ).status_code
        == 200
    )
