"""marshmallow schemas: validation in, serialisation out; every schema of the app lives here."""
