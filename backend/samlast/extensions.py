"""Extension objects, bound to an app in create_app() (init_app pattern)."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy

from samlast.models.base import Base
from samlast.security import WRITE_LIMIT

db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
socketio = SocketIO()
# The login limit decorates its view (api/auth.py); the write limit spans every write under /api/.
limiter = Limiter(key_func=get_remote_address, default_limits=[], application_limits=[WRITE_LIMIT])
