# Kept so that tools calling setup.py directly still install the app; metadata lives in pyproject.toml.
from setuptools import setup

setup()
