"""Local LINE Platform stand-in: the /sim chat page and the end-to-end test harness."""

from bot.simulator.chat import create_simulator_app
from bot.simulator.driver import (
    NotFollowingError,
    SimulatedUser,
    Simulator,
    WebhookDeliveryError,
    sign_body,
)
from bot.simulator.line_api import create_line_api_router
from bot.simulator.standin import LineStandIn

__all__ = [
    "LineStandIn",
    "NotFollowingError",
    "SimulatedUser",
    "Simulator",
    "WebhookDeliveryError",
    "create_line_api_router",
    "create_simulator_app",
    "sign_body",
]
