"""Brings a channel's rich menus, aliases and default in line with the definitions, changing only what differs."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from linebot.v3.messaging import (
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    CreateRichMenuAliasRequest,
    RichMenuRequest,
    UpdateRichMenuAliasRequest,
)
from linebot.v3.messaging.exceptions import ApiException

from richmenus.render import RenderedMenu

log = logging.getLogger(__name__)


@dataclass
class DeployReport:
    # Deployed names ("parents@1a2b3c4d") and alias IDs, so the operator sees what moved.
    created: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    aliases_created: list[str] = field(default_factory=list)
    aliases_updated: list[str] = field(default_factory=list)
    default_set: str | None = None
    deleted: list[str] = field(default_factory=list)
    # Stable name -> rich menu ID now in use, for linking menus to users.
    menu_ids: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.aliases_created or self.aliases_updated
                    or self.default_set or self.deleted)

    def summary(self) -> str:
        if not self.changed:
            return f"rich menus up to date ({', '.join(self.reused)}): nothing changed"
        lines = [f"created {name}" for name in self.created]
        lines += [f"unchanged {name}" for name in self.reused]
        lines += [f"alias {alias} created" for alias in self.aliases_created]
        lines += [f"alias {alias} repointed" for alias in self.aliases_updated]
        if self.default_set:
            lines.append(f"default menu is now {self.default_set}")
        lines += [f"deleted {name}" for name in self.deleted]
        return "\n".join(lines)


async def _current_default(messaging: AsyncMessagingApi) -> str | None:
    try:
        return (await messaging.get_default_rich_menu_id()).rich_menu_id
    except ApiException as error:
        if error.status == 404:  # LINE answers 404 when no default is set
            return None
        raise


async def _create(messaging: AsyncMessagingApi, blob: AsyncMessagingApiBlob, menu: RenderedMenu) -> str:
    rich_menu_id = (await messaging.create_rich_menu(RichMenuRequest.from_dict(menu.line_request()))).rich_menu_id
    try:
        await blob.set_rich_menu_image(rich_menu_id, menu.image, _headers={"Content-Type": menu.content_type})
    except Exception:
        # A menu without its image would look current to the next run (its name matches) yet
        # could never be linked: remove it so the next run creates it again.
        await messaging.delete_rich_menu(rich_menu_id)
        raise
    return rich_menu_id


async def _point_aliases(
    messaging: AsyncMessagingApi, menus: Sequence[RenderedMenu], report: DeployReport
) -> dict[str, str]:
    """Create or repoint each menu's alias; returns every alias of the channel and its menu."""
    aliases = {a.rich_menu_alias_id: a.rich_menu_id
               for a in (await messaging.get_rich_menu_alias_list()).aliases}
    for menu in menus:
        alias_id, target = menu.definition.alias_id, report.menu_ids[menu.name]
        if alias_id not in aliases:
            await messaging.create_rich_menu_alias(
                CreateRichMenuAliasRequest(rich_menu_alias_id=alias_id, rich_menu_id=target))
            report.aliases_created.append(alias_id)
        elif aliases[alias_id] != target:
            await messaging.update_rich_menu_alias(alias_id, UpdateRichMenuAliasRequest(rich_menu_id=target))
            report.aliases_updated.append(alias_id)
        aliases[alias_id] = target
    return aliases


async def deploy(
    messaging: AsyncMessagingApi,
    blob: AsyncMessagingApiBlob,
    menus: Sequence[RenderedMenu],
    *,
    make_default: str,
) -> DeployReport:
    """Create what is missing, repoint aliases and the default, then delete our superseded menus.

    A menu's deployed name carries its content version, so an unchanged menu is found by name
    and reused; running twice changes nothing the second time.
    """
    if make_default not in {m.name for m in menus}:
        raise ValueError(f"no menu named {make_default!r} to make the default")
    report = DeployReport()
    existing = (await messaging.get_rich_menu_list()).richmenus
    id_by_name: dict[str, str] = {}
    for rich_menu in existing:
        id_by_name.setdefault(rich_menu.name, rich_menu.rich_menu_id)

    for menu in menus:
        rich_menu_id = id_by_name.get(menu.deployed_name)
        if rich_menu_id is None:
            rich_menu_id = await _create(messaging, blob, menu)
            report.created.append(menu.deployed_name)
        else:
            report.reused.append(menu.deployed_name)
        report.menu_ids[menu.name] = rich_menu_id

    aliases = await _point_aliases(messaging, menus, report)

    default_id = report.menu_ids[make_default]
    if await _current_default(messaging) != default_id:
        await messaging.set_default_rich_menu(default_id)
        report.default_set = next(m.deployed_name for m in menus if m.name == make_default)

    # Ours are recognised by name prefix; a menu still behind some alias (perhaps one set by
    # hand) stays. Deleting also unlinks users linked to it, who then see the default menu.
    prefixes = tuple(f"{m.name}@" for m in menus)
    in_use = set(report.menu_ids.values()) | set(aliases.values()) | {default_id}
    for rich_menu in existing:
        if rich_menu.name.startswith(prefixes) and rich_menu.rich_menu_id not in in_use:
            await messaging.delete_rich_menu(rich_menu.rich_menu_id)
            report.deleted.append(rich_menu.name)

    log.info("rich menus deployed: %d created, %d reused, %d deleted",
             len(report.created), len(report.reused), len(report.deleted))
    return report
