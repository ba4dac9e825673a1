"""Errors of the notices to client controllers: each names the field that is wrong, nothing written."""

from ..errors import BreachRefused


class ClientNoticeRefused(BreachRefused):
    code = "breach_client_notice_refused"
