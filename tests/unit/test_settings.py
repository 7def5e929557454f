"""Settings reach a Granian worker as MOCKSERVER_* variables: every field must survive the trip,
and the CLI refuses an HTTP layer it does not have or a combination it cannot serve."""

from __future__ import annotations

import argparse
import dataclasses

import pytest

from mockserver import cli
from mockserver.settings import Settings


def test_every_setting_survives_the_trip_through_the_environment() -> None:
    changed = Settings(
        host="0.0.0.0",
        port=9123,
        public_url="http://sandbox.example:9123",
        data_dir="/tmp/state",
        provider_ports=True,
        threads=3,
        http="granian",
        s3_endpoint="http://minio:9000",
        journal_size=7,
        token_signing_key="k",
    )
    assert Settings.from_env(changed.to_env()) == changed
    assert Settings.from_env(Settings().to_env()) == Settings()
    names = {f"MOCKSERVER_{spec.name.upper()}" for spec in dataclasses.fields(Settings)}
    assert set(changed.to_env()) == names


def test_cli_flags_win_over_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("MOCKSERVER_HTTP", "granian")
    monkeypatch.setenv("MOCKSERVER_THREADS", "2")
    parsed = cli._settings(cli_args("serve", "--http", "waitress"))
    assert parsed.http == "waitress" and parsed.threads == 2


@pytest.mark.parametrize(
    ("argv", "env", "says"),
    [
        (["serve", "--http", "gunicorn"], {}, "invalid choice"),
        (["serve"], {"MOCKSERVER_HTTP": "gunicorn"}, "(MOCKSERVER_HTTP) must be one of"),
        (["serve", "--http", "granian", "--provider-ports"], {}, "needs the waitress"),
    ],
)
def test_the_cli_refuses_what_it_cannot_serve(argv, env, says, monkeypatch, capsys) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as stopped:
        cli.main(argv)
    assert stopped.value.code == 2
    assert says in capsys.readouterr().err


def cli_args(*argv: str) -> argparse.Namespace:
    return cli.build_parser().parse_args(argv)
