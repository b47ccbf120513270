"""Phone-first Thai web pages (LIFF) where school staff review applications and decide."""

from web.staff.auth import StaffPagesConfig, simulator_id_tokens
from web.staff.router import create_staff_router

__all__ = ["StaffPagesConfig", "create_staff_router", "simulator_id_tokens"]
