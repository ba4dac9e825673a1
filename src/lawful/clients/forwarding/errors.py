"""Errors of forwarding rights requests to client controllers."""

from lawful.errors import Conflict, NotFound


class ForwardingNotFound(NotFound):
    code = "forwarding_not_found"


class AlreadyInstructed(Conflict):
    code = "already_instructed"
