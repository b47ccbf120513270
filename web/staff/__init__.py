"""Phone-first Thai web pages (LIFF) where school staff review applications and decide."""

from web.staff.auth import StaffPagesConfig, simulator_id_tokens
from web.staff.dependencies import StaffSite

__all__ = ["StaffPagesConfig", "StaffSite", "simulator_id_tokens"]
