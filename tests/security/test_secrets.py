"""No secret has a default an outsider knows: S3 keys and the token signing key are the
sandbox's own, random (kept in its store, so a --data-dir restart keeps links and tokens
working); a SEEK Pass token is checked for what this server would have issued."""

from __future__ import annotations

import jwt
import pytest

from mockserver.core.runtime import Runtime
from mockserver.settings import Settings
from tests.seekpass.helpers import BATCH_PATH, TRAINING_CLIENT, auth, sample_batch, token

KNOWN_OLD_DEFAULTS = {"mockserver-access-key", "mockserver-secret-key"}


def test_each_sandbox_makes_its_own_secrets() -> None:
    first, second = Runtime(Settings()), Runtime(Settings())
    try:
        for name in ("s3_access_key", "s3_secret_key", "token_signing_key"):
            a, b = getattr(first.settings, name), getattr(second.settings, name)
            assert a and b and a != b, name
            assert a not in KNOWN_OLD_DEFAULTS and len(a) >= 16
    finally:
        first.close()
        second.close()


def test_secrets_survive_a_restart_on_the_data_dir(tmp_path) -> None:
    first = Runtime(Settings(data_dir=str(tmp_path)))
    kept = (first.settings.s3_secret_key, first.settings.token_signing_key)
    first.close()
    second = Runtime(Settings(data_dir=str(tmp_path)))
    try:
        assert (second.settings.s3_secret_key, second.settings.token_signing_key) == kept
        second.reset()  # a reset keeps them too: links and tokens handed out stay valid
        assert second.store.secret("token_signing_key", lambda: "new") == kept[1]
    finally:
        second.close()


def test_given_secrets_win(tmp_path) -> None:
    runtime = Runtime(
        Settings(token_signing_key="team-key", s3_access_key="AK", s3_secret_key="SK")
    )
    try:
        assert (runtime.settings.token_signing_key, runtime.settings.s3_access_key) == (
            "team-key",
            "AK",
        )
    finally:
        runtime.close()


def _forge(runtime, **claims) -> str:
    base = {
        "iss": "mockserver/seekpass",
        "sub": TRAINING_CLIENT[0],
        "scope": "write.education",
        "iat": 0,
        "exp": 4_102_444_800,
    }
    return jwt.encode({**base, **claims}, runtime.settings.token_signing_key, algorithm="HS512")


@pytest.mark.parametrize(
    "claims",
    [
        {"scope": "write.education write.right_to_work"},  # never granted to this client
        {"exp": "soon"},
        {"exp": True},
        {"sub": 42},
        {"scope": ["write.education"]},
    ],
)
def test_a_token_claiming_more_than_was_issued_is_refused(client, runtime, claims) -> None:
    forged = _forge(runtime, **claims)
    answer = client.post(BATCH_PATH, json=sample_batch(), headers=auth(forged))
    assert answer.status_code == 401, answer.get_data(as_text=True)


def test_a_token_of_the_same_shape_as_issued_still_works(client, runtime) -> None:
    issued = token(client, TRAINING_CLIENT, scope="write.education")
    assert jwt.decode(issued, runtime.settings.token_signing_key, algorithms=["HS512"])
    payload = {"credential_id": "ok", "education_items": sample_batch()["education_items"]}
    assert client.post(BATCH_PATH, json=payload, headers=auth(issued)).status_code == 201
