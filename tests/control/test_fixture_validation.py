"""POST /_mock/fixtures checks what it is given against each provider's fixture schema: a
400 that lists every problem with its place, and nothing applied (the tenants and keys in
force keep working)."""

from __future__ import annotations

import pytest

from tests.accredible.helpers import AUTH

GOOD_SEEKPASS = {"accounts": [{"id": "qa", "clients": [{"client_id": "c", "client_secret": "s"}]}]}


def _unchanged(client) -> None:
    tenants = client.get("/_mock/tenants").get_json()
    assert [t["tenant"] for t in tenants["accredible"]] == [
        "accredible:demo-academy",
        "accredible:sandbox-college",
    ]
    assert [t["tenant"] for t in tenants["seekpass"]][0] == "seekpass:demo-university"
    details = client.get("/accredible/v1/issuer/details", headers=AUTH)
    assert details.status_code == 200


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"accredible": {"accounts": "oops"}}, "accredible: accounts: not a valid list"),
        (
            {"accredible": {"issuers": "oops"}},
            "accredible: issuers: unknown key (known: accounts, rate_limit, search_v1_rate_limit)",
        ),
        ({"accredible": "oops"}, "accredible: must be a mapping of keys (got a string)"),
        (
            {
                "accredible": {
                    "accounts": [
                        {
                            "id": "x",
                            "issuer": {"name": "X"},
                            "api_keys": [],
                            "groups": [{"id": "g", "name": "n"}],
                        }
                    ]
                }
            },
            "accredible: accounts[0].groups[0].id: not a valid integer",
        ),
        (
            {
                "vec": {
                    "institutions": [
                        {"id": "i", "tokens": [{"token": "t", "permissions": ["all"]}]}
                    ]
                }
            },
            "vec: institutions[0].tokens[0].permissions[0]: must be one of",
        ),
        (
            {"springest": {"partners": [{"id": "p", "api_keys": [{"key": "k", "kind": "x"}]}]}},
            "springest: partners[0].api_keys[0].kind: must be one of: certificates, certifications",
        ),
        (
            {"seekpass": {"accounts": [{"id": "a", "clients": [{"client_id": "c"}]}]}},
            "seekpass: accounts[0].clients[0].client_secret: missing data for required field",
        ),
        ({"accredibel": {}}, "accredibel: not a provider (did you mean 'accredible'?)"),
    ],
)
def test_bad_shapes_are_400_with_every_problem_and_change_nothing(client, body, problem) -> None:
    response = client.post("/_mock/fixtures", json=body)
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["mock_error"]
    assert any(line.startswith(problem) for line in error["problems"]), error["problems"]
    assert error["message"].startswith("fixtures not loaded: ")
    _unchanged(client)


def test_one_bad_section_stops_the_good_one_too(client) -> None:
    response = client.post(
        "/_mock/fixtures",
        json={"seekpass": GOOD_SEEKPASS, "accredible": {"accounts": "oops"}},
    )
    assert response.status_code == 400
    _unchanged(client)
    assert client.post("/_mock/fixtures", json={"seekpass": GOOD_SEEKPASS}).status_code == 200
    assert [t["tenant"] for t in client.get("/_mock/tenants").get_json()["seekpass"]] == [
        "seekpass:qa"
    ]


def test_invalid_yaml_body_and_file(client, fixtures_folder) -> None:
    bad = client.post("/_mock/fixtures", data="seekpass: [\n", content_type="application/yaml")
    assert bad.status_code == 400
    path = fixtures_folder / "f.yaml"
    path.write_text("vec:\n  institutions:\n    - id: [\n")
    from_file = client.post("/_mock/fixtures", json={"path": str(path)})
    assert from_file.status_code == 400
    assert (
        f"{path}: line 4, column 1: not valid YAML"
        in from_file.get_json()["mock_error"]["problems"][0]
    )
    folder = fixtures_folder / "folder"
    folder.mkdir()
    (folder / "springest.yaml").write_text("partners: 3\n")
    from_folder = client.post("/_mock/fixtures", json={"path": str(folder)})
    assert from_folder.status_code == 400
    assert from_folder.get_json()["mock_error"]["problems"] == [
        f"{folder / 'springest.yaml'}: partners: not a valid list"
    ]
    _unchanged(client)
