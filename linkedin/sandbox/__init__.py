"""A faithful, offline double of LinkedIn's OAuth server and Marketing API, served over
real HTTP as a Starlette app (see /work/shared/design.md, "The sandbox")."""

from .registration import DEMO_APP_NAME, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_SOURCE_PLATFORM
from .server import create_app
from .settings import SandboxSettings
from .world import World

__all__ = ["DEMO_APP_NAME", "DEMO_CLIENT_ID", "DEMO_CLIENT_SECRET", "DEMO_SOURCE_PLATFORM", "SandboxSettings", "World", "create_app"]
