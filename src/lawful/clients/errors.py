"""Errors of processor mode."""

from lawful.errors import NotFound


class ClientNotFound(NotFound):
    code = "client_not_found"
