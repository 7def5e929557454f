"""Groups, collections, designs and designers, departments, attribute keys, team members,
data exports, analytics, PDFs, blockchain data, SSO links and the stand-in public pages."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import urlsplit

from pypdf import PdfReader

from tests.accredible.helpers import AUTH, BASE, BOOTCAMP, INTRO, create, credential


def fetch(client, url: str) -> bytes:
    response = client.get(url)  # a presigned link on the mock's public host
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data()


def group_body(name: str = "Data 101", **extra) -> dict:
    return {"group": {"name": name, "course_name": "Data", "course_description": "Rows", **extra}}


def test_group_lifecycle_clone_and_search(client) -> None:
    made = client.post(
        f"{BASE}/v1/issuer/groups",
        headers=AUTH,
        json=group_body(
            meta_data={"course_id": "D1"},
            certificate_design_id=501,
            skill_category_id=1,
            learning_outcomes=["SQL"],
        ),
    )
    assert made.status_code == 200
    group = made.get_json()["group"]
    assert group["department_id"] == 201 and group["design_name"] == "Campus certificate"
    assert group["skill_category"] == {"id": 1, "name": "Software Engineering"}
    again = client.post(f"{BASE}/v1/issuer/groups", headers=AUTH, json=group_body())
    assert again.get_json() == {"errors": {"name": ["has already been taken"]}}
    clone = client.post(
        f"{BASE}/v1/issuer/groups/{group['id']}/clone",
        headers=AUTH,
        json={"group": {"course_name": "Data II"}},
    ).get_json()["group"]
    assert clone["name"] == "Data 101 (copy)" and clone["course_name"] == "Data II"
    found = client.post(
        f"{BASE}/v1/issuer/groups/search", headers=AUTH, json={"meta_data": {"course_id": "D1"}}
    ).get_json()
    assert {g["id"] for g in found["groups"]} == {group["id"], clone["id"]}
    changed = client.put(
        f"{BASE}/v1/issuer/groups/{group['id']}",
        headers=AUTH,
        json={"group": {"allow_duplicate_credentials": True}},
    )
    assert changed.get_json()["group"]["allow_duplicate_credentials"] is True
    assert create(client, credential(group=group["id"])).status_code == 200
    assert create(client, credential(group=group["id"])).status_code == 200
    assert client.delete(f"{BASE}/v1/issuer/groups/{group['id']}", headers=AUTH).status_code == 200
    assert client.get(f"{BASE}/v1/issuer/groups/{group['id']}", headers=AUTH).status_code == 404


def test_group_rules(client) -> None:
    blank = client.post(f"{BASE}/v1/issuer/groups", headers=AUTH, json={"group": {"name": "x"}})
    assert blank.get_json() == {
        "errors": {"course_name": ["can't be blank"], "course_description": ["can't be blank"]}
    }
    design = client.post(
        f"{BASE}/v1/issuer/groups", headers=AUTH, json=group_body("y", badge_design_id=999)
    )
    assert design.get_json() == {"errors": {"badge_design_id": ["is invalid"]}}


def test_collections_hold_groups(client) -> None:
    made = client.post(
        f"{BASE}/v1/collections",
        headers=AUTH,
        json={"collection": {"name": "Starter pack", "public": True, "groups": [{"id": INTRO}]}},
    ).get_json()["collection"]
    assert made["groups"] == [{"id": INTRO}] and made["organization_id"] == 4897
    shown = client.get(f"{BASE}/v1/issuer/groups/{INTRO}", headers=AUTH).get_json()["group"]
    assert shown["collections"] == [{"id": made["id"], "name": "Starter pack", "description": None}]
    updated = client.put(
        f"{BASE}/v1/collections/{made['id']}",
        headers=AUTH,
        json={"collection": {"groups": [{"id": 9002}, {"id": 9003}]}},
    )
    assert updated.get_json()["collection"]["groups_count"] == 2
    found = client.post(
        f"{BASE}/v1/collections/search",
        headers=AUTH,
        json={"query": {"name": "starter"}, "sort": {"name": "asc"}},
    ).get_json()
    assert [c["id"] for c in found["collections"]] == [made["id"]]
    assert client.delete(f"{BASE}/v1/collections/{made['id']}", headers=AUTH).status_code == 200
    assert (
        client.get(f"{BASE}/v1/issuer/groups/9002", headers=AUTH).get_json()["group"]["collections"]
        == []
    )


def test_designs_copy_search_preview_and_designers(client) -> None:
    made = client.post(
        f"{BASE}/v1/designs",
        headers=AUTH,
        json={
            "design": {
                "name": "Gold",
                "kind": "certificate",
                "encoded_content": "abc",
                "size": "a4",
                "meta_data": {"tier": "gold"},
            }
        },
    ).get_json()["design"]
    copy = client.post(
        f"{BASE}/v1/designs/{made['id']}/copy",
        headers=AUTH,
        json={"design": {"department_id": 202}},
    ).get_json()["design"]
    assert copy["department_id"] == 202 and copy["id"] != made["id"]
    badges = client.get(f"{BASE}/v1/designs?kind=badges", headers=AUTH).get_json()["designs"]
    assert [d["id"] for d in badges] == [502]
    found = client.post(
        f"{BASE}/v1/designs/search", headers=AUTH, json={"meta_data": {"tier": "gold"}}
    ).get_json()["designs"]
    assert {d["id"] for d in found} == {made["id"], copy["id"]}
    link = client.post(
        f"{BASE}/v1/designs/{made['id']}/preview", headers=AUTH, json={"recipient.name": "Ada"}
    ).get_json()["link"]
    assert client.get(urlsplit(link).path).mimetype == "image/svg+xml"
    wrong = client.post(
        f"{BASE}/v1/designs",
        headers=AUTH,
        json={"design": {"name": "x", "kind": "poster", "encoded_content": "e"}},
    )
    assert wrong.get_json() == {"errors": {"kind": ["is not included in the list"]}}
    badge = client.post(f"{BASE}/v1/designers/badge/initialize", headers=AUTH, json={}).get_json()
    assert (
        badge["token"]
        and client.get(f"{BASE}/v1/designs/{badge['design_id']}", headers=AUTH).get_json()[
            "design"
        ]["kind"]
        == "badge"
    )
    mismatch = client.post(
        f"{BASE}/v1/designers/certificate/initialize", headers=AUTH, json={"design_id": 502}
    )
    assert mismatch.status_code == 422


def test_departments_attribute_keys_and_team_members(client) -> None:
    dept = client.post(
        f"{BASE}/v1/departments",
        headers=AUTH,
        json={
            "department": {
                "name": "Night School",
                "url": "https://n.example",
                "logo": "https://n.example/l.png",
                "meta_data": {"faculty": "evening"},
            }
        },
    ).get_json()["department"]
    found = client.post(
        f"{BASE}/v1/departments/search", headers=AUTH, json={"meta_data": {"faculty": "evening"}}
    ).get_json()["departments"]
    assert [d["id"] for d in found] == [dept["id"]]
    key = client.post(
        f"{BASE}/v1/attribute_keys",
        headers=AUTH,
        json={
            "attribute_key": {"name": "Student number", "kind": "text", "department_id": dept["id"]}
        },
    )
    assert key.get_json()["attribute_key"]["department_id"] == dept["id"]
    dup = client.post(
        f"{BASE}/v1/attribute_keys",
        headers=AUTH,
        json={
            "attribute_key": {"name": "student number", "kind": "text", "department_id": dept["id"]}
        },
    )
    assert dup.get_json() == {"errors": {"name": ["has already been taken"]}}
    keys = client.post(
        f"{BASE}/v1/attribute_keys/search", headers=AUTH, json={"name": "student"}
    ).get_json()
    assert keys["meta"]["total_count"] == 1
    permissions = {
        "designs": True,
        "emails": False,
        "credential_attributes": True,
        "analytics": True,
        "settings": False,
        "role": "viewer",
        "groups": [INTRO],
    }
    member = client.post(
        f"{BASE}/v1/team_members",
        headers=AUTH,
        json={
            "team_member": {
                "name": "Sam",
                "email": "sam@academy.example",
                "department_permissions": [{"department_id": 201, "permissions": permissions}],
            }
        },
    )
    member_id = member.get_json()["team_member"]["id"]
    role = client.put(
        f"{BASE}/v1/team_members/{member_id}",
        headers=AUTH,
        json={
            "team_member": {
                "department_permissions": [
                    {"department_id": 201, "permissions": {**permissions, "role": "editor"}}
                ]
            }
        },
    )
    assert (
        role.get_json()["team_member"]["department_permissions"][0]["permissions"]["role"]
        == "editor"
    )
    missing = client.post(
        f"{BASE}/v1/team_members",
        headers=AUTH,
        json={
            "team_member": {
                "name": "Kim",
                "email": "kim@academy.example",
                "department_permissions": [{"department_id": 201, "permissions": {"role": "boss"}}],
            }
        },
    )
    assert missing.status_code == 422
    assert "department_permissions[0].permissions.designs" in missing.get_json()["errors"]
    assert client.delete(f"{BASE}/v1/team_members/{member_id}", headers=AUTH).status_code == 200


def test_data_export_goes_ready_on_the_clock_with_a_csv(client, runtime) -> None:
    create(client, credential(email="exported@example.com"))
    made = client.post(
        f"{BASE}/v1/data_exports",
        headers=AUTH,
        json={"data_export": {"entity": "credentials", "department_id": 201}},
    )
    assert made.status_code == 201
    export = made.get_json()["data_export"]
    assert export["status"] == "scheduled" and export["urls"] == []
    runtime.clock.advance(6)  # no scheduler pass: reading it is enough
    assert (
        client.get(f"{BASE}/v1/data_exports/{export['id']}", headers=AUTH).get_json()[
            "data_export"
        ]["status"]
        == "processing"
    )
    runtime.clock.advance(5)
    done = client.get(f"{BASE}/v1/data_exports/{export['id']}", headers=AUTH).get_json()[
        "data_export"
    ]
    assert done["status"] == "completed"
    csv_text = fetch(client, done["urls"][0]["url"]).decode()
    assert "exported@example.com" in csv_text
    listed = client.get(f"{BASE}/v1/data_exports", headers=AUTH).get_json()["data_exports"]
    assert [e["id"] for e in listed] == [export["id"]]
    jumped = client.post(
        f"{BASE}/v1/data_exports",
        headers=AUTH,
        json={"data_export": {"entity": "groups", "department_id": 201}},
    ).get_json()["data_export"]
    runtime.clock.advance(60)  # one jump past ready: completed at the first look, in a list
    listed = client.get(f"{BASE}/v1/data_exports", headers=AUTH).get_json()["data_exports"]
    assert {e["id"]: e["status"] for e in listed} == {
        export["id"]: "completed",
        jumped["id"]: "completed",
    }
    other = client.post(
        f"{BASE}/v1/data_exports",
        headers={"Authorization": "Token accredible-online-key"},
        json={"data_export": {"entity": "credentials", "department_id": 201}},
    )
    assert other.status_code == 403


def test_pdfs_are_real_files(client) -> None:
    one = create(client, credential(email="pdf1@example.com")).get_json()["credential"]
    two = create(client, credential(email="pdf2@example.com")).get_json()["credential"]
    single = client.post(f"{BASE}/v1/credentials/generate_single_pdf/{one['id']}", headers=AUTH)
    reader = PdfReader(io.BytesIO(fetch(client, single.get_json()["file"])))
    assert "Ada Lovelace" in reader.pages[0].extract_text()
    many = client.post(
        f"{BASE}/v1/credentials/generate_pdf",
        headers=AUTH,
        json={"credential_ids": [one["id"], str(two["id"])]},
    )
    names = zipfile.ZipFile(io.BytesIO(fetch(client, many.get_json()["file"]))).namelist()
    assert sorted(names) == sorted([f"{one['id']}.pdf", f"{two['id']}.pdf"])
    draft = create(client, credential(email="pdf3@example.com", approve=False)).get_json()
    refused = client.post(
        f"{BASE}/v1/credentials/generate_single_pdf/{draft['credential']['id']}", headers=AUTH
    )
    assert refused.status_code == 422


def test_blockchain_data_public_and_private(client) -> None:
    public = create(client, credential(email="chain@example.com")).get_json()["credential"]
    v1 = client.get(f"{BASE}/v1/credentials/blockchain_data/{public['encoded_id']}")
    assert v1.status_code == 200
    assert v1.get_json()["data"]["receipt"]["type"] == "ChainpointSHA256v2"
    v2 = client.get(f"{BASE}/v2/credentials/{public['encoded_id']}/blockchain_data")
    assert v2.get_json()["data"]["chain"] == "Bitcoin"
    events = client.post(f"{BASE}/v1/credentials/analytics/{public['id']}", headers=AUTH).get_json()
    assert [e["event"] for e in events["analytics"]] == ["credential_user_verified"] * 2
    private = create(client, credential(email="p@example.com", private=True)).get_json()[
        "credential"
    ]
    refused = client.get(f"{BASE}/v1/credentials/blockchain_data/{private['encoded_id']}")
    assert refused.status_code == 403
    assert refused.get_json() == {"errors": "Private Certificate, use key"}
    key = private["url"].split("key=")[1]
    assert (
        client.get(
            f"{BASE}/v1/credentials/blockchain_data/{private['encoded_id']}?key={key}"
        ).status_code
        == 200
    )
    not_chained = create(client, credential(email="w@example.com", group=9002)).get_json()
    assert (
        client.get(
            f"{BASE}/v1/credentials/blockchain_data/{not_chained['credential']['encoded_id']}"
        ).status_code
        == 404
    )


def test_public_page_images_redirect_sso_and_analytics(client) -> None:
    made = create(client, credential(email="page@example.com")).get_json()["credential"]
    page = client.get(urlsplit(made["url"]).path)
    assert page.status_code == 200 and "Ada Lovelace" in page.get_data(as_text=True)
    for url in (
        made["seo_image"],
        made["badge"]["image"]["preview"],
        made["certificate"]["image"]["preview"],
    ):
        assert client.get(urlsplit(url).path).mimetype == "image/svg+xml"
    redirect = client.get(
        f"{BASE}/v1/issuer/credential_redirect?id={made['id']}&issuer_id=4897", headers=AUTH
    )
    assert redirect.status_code == 302 and redirect.headers["Location"] == made["url"]
    link = client.post(
        f"{BASE}/v1/sso/generate_link", headers=AUTH, json={"recipient_email": "page@example.com"}
    ).get_json()["link"]
    assert link.startswith(made["url"] + "/sso?code=")
    analytics = client.get(f"{BASE}/v1/analytics?group_id={INTRO}", headers=AUTH).get_json()
    assert [e["event"] for e in analytics["analytics"]] == ["recipient_view_certificate"]
    private = create(client, credential(email="hid@example.com", group=BOOTCAMP)).get_json()
    assert client.get(urlsplit(private["credential"]["url"]).path).status_code == 403


def test_skill_categories_and_issuer(client) -> None:
    categories = client.get(f"{BASE}/v1/skill_categories", headers=AUTH).get_json()
    assert categories == {
        "skill_categories": [
            {"id": 1, "name": "Software Engineering"},
            {"id": 2, "name": "Data and Analytics"},
        ]
    }
    issuer = client.get(f"{BASE}/v1/issuer/details", headers=AUTH).get_json()["issuer"]
    assert issuer["certificate_left"] == 1000 and issuer["id"] == 4897


def test_required_names_must_not_be_blank(client) -> None:
    for path, body in (
        ("/v1/collections", {"collection": {"name": ""}}),
        (
            "/v1/issuer/groups",
            {"group": {"name": "", "course_name": "c", "course_description": "d"}},
        ),
        ("/v1/designs", {"design": {"name": "", "kind": "badge", "encoded_content": "x"}}),
    ):
        response = client.post(f"{BASE}{path}", json=body, headers=AUTH)
        assert response.status_code == 422, path
        assert response.get_json()["errors"]["name"] == ["can't be blank"]
