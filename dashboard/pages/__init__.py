"""Dashboard pages: each has ``layout(user, platform)`` and ``register(app, get_platform)``."""
