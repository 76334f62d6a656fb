"""What the tests share: plain functions, constants and fakes (fixtures are in conftest.py).

Test modules import from here, never from one another.
"""
