"""`python -m app …` is `qlvb …` (how `qlvb serve` starts the scheduler process beside gunicorn)."""

from app.cli import main

main(prog_name="qlvb")
