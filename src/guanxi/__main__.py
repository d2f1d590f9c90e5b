"""`python -m guanxi` is the `guanxi` command."""

from guanxi.cli.main import app

if __name__ == "__main__":
    app()
