"""Customer self-service support portal."""

import os

# Piccolo finds its engine and apps through this module (tables resolve it lazily).
os.environ.setdefault("PICCOLO_CONF", "backend.piccolo_conf")
