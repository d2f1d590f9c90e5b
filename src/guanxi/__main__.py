"""`python -m guanxi` is the `guanxi` command."""

from guanxi.cli.main import app

app()
