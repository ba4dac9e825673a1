"""`lawful.wsgi:app` for process managers (uvicorn --workers, gunicorn): settings from the environment."""

from lawful import jobs
from lawful.app import create_app
from lawful.config import get_settings

settings = get_settings()
jobs.configure(settings)  # requests enqueue jobs; `lawful worker` processes run them
app = create_app(settings)
