"""The shopper-facing chat widget: plain JavaScript and CSS served by the relay.

This folder is a Python package only so that the files ship with the relay.
"""
