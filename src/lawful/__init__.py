"""lawful: a company's privacy policy, kept true in software."""

__version__ = "0.1.0"
