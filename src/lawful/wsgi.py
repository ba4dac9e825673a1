"""`lawful.wsgi:app` for process managers (uvicorn --workers, gunicorn): settings from the environment."""

from lawful.app import create_app
from lawful.config import get_settings

app = create_app(get_settings())
