"""The console's list of requests, open and closed, filtered and paginated (service.py, pages.py)."""
