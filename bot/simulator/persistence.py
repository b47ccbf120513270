"""The simulator's users and chats kept under DATA_DIR, so a demo survives a restart.

The stand-in (standin.py) holds them in memory; with a store it writes them after every change
(one small JSON file, written whole and renamed into place, so a crash never leaves half of it).
Kept: users, their timelines and the bot's messages. Not kept: the photos and files users sent
(a child's documents are on disk only encrypted, by the bot's file vault: after a restart the
page shows them as no longer available, as LINE does once content expires), and reply tokens,
retry keys and rich menus, LINE's short-lived state (the bot deploys its menus again at start).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.simulator.standin import LineStandIn

VERSION = 1


class SimulatorStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.file = folder / "chats.json"

    def save(self, standin: LineStandIn) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        state = {
            "version": VERSION,
            "sequence": standin._sequence,
            "users": [
                {"user_id": u.user_id, "display_name": u.display_name, "following": u.following,
                 "has_followed_before": u.has_followed_before}
                for u in standin.users.values()
            ],
            "timelines": {user_id: [_jsonable(entry) for entry in entries]
                          for user_id, entries in standin._timelines.items()},
        }
        partial = self.file.with_suffix(".json.partial")
        partial.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, self.file)

    def load(self, standin: LineStandIn) -> None:
        """What an earlier run kept; nothing when there is no file or it cannot be read."""
        from bot.simulator.standin import LineUser

        try:
            state = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if state.get("version") != VERSION:
            return
        for user in state.get("users", []):
            standin.users[user["user_id"]] = LineUser(
                user_id=user["user_id"], display_name=user["display_name"],
                following=bool(user.get("following")), has_followed_before=bool(user.get("has_followed_before")))
        for user_id, entries in state.get("timelines", {}).items():
            for entry in entries:
                standin._timelines[user_id].append(entry)
                if entry.get("from") == "bot":
                    entry["sentAt"] = dt.datetime.fromisoformat(entry["time"])
                    standin._bot_messages[user_id].append(entry)
        standin._sequence = max(standin._sequence, int(state.get("sequence", 0)))


def _jsonable(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in entry.items() if key != "sentAt"}
