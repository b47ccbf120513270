"""The school services, one small file each; ALL_FLOWS is what the engine is given."""

from __future__ import annotations

from flows.flow import Flow
from flows.services.transfer_out import FLOW as TRANSFER_OUT
from flows.services.withdrawal import FLOW as WITHDRAWAL

ALL_FLOWS: dict[str, Flow] = {flow.id: flow for flow in (TRANSFER_OUT, WITHDRAWAL)}
