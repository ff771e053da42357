"""Benchmarks that print each figure beside a baseline measured in the same run.

Run ``make bench`` (or ``.venv/bin/python -m bench``); ``--quick`` runs tiny sizes so the
suite can check the harness still works (it asserts nothing about speed).
"""
