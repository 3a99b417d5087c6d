"""Extension objects, bound to an app in create_app() (init_app pattern)."""

from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy

from samlast.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
socketio = SocketIO()
# The rate limiter lives with the write limit it enforces, in samlast/security.py.
