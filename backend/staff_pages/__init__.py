"""Phone-first Thai web pages (LIFF) where school staff review applications and decide."""

from backend.staff_pages.auth import StaffPagesConfig, simulator_id_tokens
from backend.staff_pages.router import create_staff_router

__all__ = ["StaffPagesConfig", "create_staff_router", "simulator_id_tokens"]
