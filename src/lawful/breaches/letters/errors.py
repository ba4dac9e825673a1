"""Letter errors: each names what is missing, and nothing is queued."""

from lawful.errors import RuleViolation


class LettersRefused(RuleViolation):
    """No decision to tell the people, a language of theirs without its text, a processor's case without
    the controller's instruction."""

    code = "breach_letters_refused"
