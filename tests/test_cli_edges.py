"""The command line's rough edges, each said plainly: the version, the handle rule in the help,
a port out of range or in use, a database that cannot be opened, `--demo` on a database that
has users, a database created by `db upgrade`, and a password prompt without `[]`."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner, Result

from guanxi import __version__
from guanxi.accounts.rules import HANDLE_RULE
from guanxi.cli.main import app
from guanxi.settings import Settings
from tests.test_backup import target  # noqa: F401 (the fixture)


def guanxi(settings: Settings, *args: str, input: str | None = None, **env: str) -> Result:
    given = {"GUANXI_DATA_DIR": str(settings.data_dir), "COLUMNS": "100", **env}
    if settings.database_url and "GUANXI_DATABASE_URL" not in env:
        given["GUANXI_DATABASE_URL"] = settings.database_url
    return CliRunner().invoke(app, list(args), env=given, input=input)


def flat(text: str) -> str:
    """Help text without its box and line breaks."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port another program listens on."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield int(taken.getsockname()[1])


def test_the_version(settings: Settings) -> None:
    result = guanxi(settings, "--version")
    assert (result.exit_code, result.stdout) == (0, f"guanxi {__version__}\n")


def test_user_create_help_gives_the_whole_handle_rule(settings: Settings) -> None:
    result = guanxi(settings, "user", "create", "--help")
    assert result.exit_code == 0
    assert HANDLE_RULE in flat(result.stdout)
    assert "'deleted.'" in HANDLE_RULE and "'imported.'" in HANDLE_RULE


def test_a_port_out_of_range_is_refused_not_moved(settings: Settings) -> None:
    given = guanxi(settings, "serve", "--port", "99999")
    assert given.exit_code == 2 and "--port" in given.output
    from_env = guanxi(settings, "serve", GUANXI_PORT="99999")
    assert from_env.exit_code == 2
    assert from_env.stderr.splitlines() == [
        "error: GUANXI_PORT: Input should be less than or equal to 65535"
    ]
    assert "serving on" not in given.output + from_env.output


def test_a_busy_port_is_reported_before_serving(settings: Settings, busy_port: int) -> None:
    result = guanxi(settings, "serve", "--host", "127.0.0.1", "--port", str(busy_port))
    assert result.exit_code == 2
    assert "serving on" not in result.stdout
    assert result.stderr == (
        f"error: cannot listen on 127.0.0.1:{busy_port}: the port is in use by another"
        " program (choose another with --port or GUANXI_PORT)\n"
    )


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("nonsense", "(GUANXI_DATABASE_URL is not a database URL)"),
        ("postgresql://mei:s3cret@127.0.0.1:1/guanxi", "postgresql://mei:***@127.0.0.1:1/guanxi"),
        ("mysql://mei:s3cret@localhost/guanxi", "no driver for this kind of database"),
    ],
)
def test_a_bad_database_url_is_one_clear_line(settings: Settings, url: str, said: str) -> None:
    for command in (["db", "upgrade"], ["serve"], ["user", "disable", "mei"]):
        result = guanxi(settings, *command, GUANXI_DATABASE_URL=url)
        assert result.exit_code == 2, result.output
        [line] = result.stderr.splitlines()
        assert line.startswith("error: cannot open the database (") and said in line
        assert "s3cret" not in result.output and "Traceback" not in result.output
        assert "serving on" not in result.stdout


def test_demo_on_a_database_with_users_names_no_login_that_is_not_there(
    settings: Settings, busy_port: int
) -> None:
    password = "a long enough password\n"
    made = guanxi(settings, "user", "create", "ana", input=password * 2)
    assert made.exit_code == 0, made.output
    result = guanxi(settings, "serve", "--demo", "--port", str(busy_port))
    assert result.exit_code == 2  # the busy port stops it once the demo has said its piece
    assert "no demo community was added" in result.stdout
    assert "own accounts" in result.stdout
    assert "mei" not in result.stdout and "guanxi-demo" not in result.stdout


def test_the_password_prompt_shows_no_empty_default(settings: Settings) -> None:
    result = guanxi(settings, "user", "create", "bo.wen", input="a long enough password\n" * 2)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Password: \nRepeat for confirmation: \n")
    assert "[]" not in result.stdout


def test_db_upgrade_says_when_it_created_the_database(
    target: Settings,  # noqa: F811
) -> None:
    """`target`: a data folder not made yet (on PostgreSQL, a new empty database)."""
    fresh = target
    first = guanxi(fresh, "db", "upgrade")
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("created the database (")
    again = guanxi(fresh, "db", "upgrade")
    assert again.stdout == "database is up to date\n"
