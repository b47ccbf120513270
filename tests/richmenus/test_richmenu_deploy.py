"""Deploying rich menus to the LINE stand-in: create once, change nothing when nothing changed, replace what did."""

from __future__ import annotations

import dataclasses

import pytest
from linebot.v3.messaging.exceptions import ApiException

from richmenus.deploy import deploy
from richmenus.menus import CLAIMANTS, PARENTS, STAFF, all_menus, parents_menu
from richmenus.render import render, render_all
from tests.harness import running_bot

CHANGING_ENDPOINTS = {"richmenu_create", "richmenu_upload", "richmenu_delete", "alias_create",
                      "alias_update", "alias_delete", "default_richmenu_set"}


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        yield running


async def run_deploy(bot, menus):
    channel = await bot.runtime.channels.get("default")
    clients = bot.runtime.clients
    return await deploy(clients.messaging(channel), clients.blob(channel), menus, make_default=PARENTS)


def changes(bot) -> list[str]:
    return [r.endpoint for r in bot.standin.requests if r.endpoint in CHANGING_ENDPOINTS]


def names(bot) -> set[str]:
    return {menu.definition["name"] for menu in bot.standin.rich_menus.values()}


def alias_target(bot, alias: str) -> str:
    return bot.standin.rich_menus[bot.standin.rich_menu_aliases[alias]].definition["name"]


def menus_for(bot):
    return render_all(all_menus(bot.base_url))


def changed_parents_menu():
    menu = parents_menu()
    first, *rest = menu.cells
    return render(dataclasses.replace(menu, cells=(dataclasses.replace(first, sublabel="เปิดรับสมัครแล้ว"), *rest)))


async def test_first_deploy_creates_menus_aliases_and_the_default(bot):
    parents, staff, claimants = menus = menus_for(bot)
    report = await run_deploy(bot, menus)

    assert report.changed
    assert sorted(report.created) == sorted([parents.deployed_name, staff.deployed_name, claimants.deployed_name])
    assert names(bot) == {parents.deployed_name, staff.deployed_name, claimants.deployed_name}
    assert all(menu.image == {menu.deployed_name: menu.image for menu in menus}[
        menu.definition["name"]] for menu in bot.standin.rich_menus.values())
    assert alias_target(bot, PARENTS) == parents.deployed_name
    assert alias_target(bot, STAFF) == staff.deployed_name
    # A parent who has just added the bot sees the parents' menu.
    user = bot.standin.add_user()
    assert bot.standin.displayed_rich_menu(user.user_id).definition["name"] == parents.deployed_name


async def test_a_second_deploy_changes_nothing(bot):
    menus = menus_for(bot)
    await run_deploy(bot, menus)
    before = changes(bot)

    report = await run_deploy(bot, menus_for(bot))

    assert not report.changed
    assert "nothing changed" in report.summary()
    assert changes(bot) == before


async def test_a_changed_menu_replaces_the_old_one(bot):
    old_parents, staff, claimants = menus = menus_for(bot)
    await run_deploy(bot, menus)
    old_id = bot.standin.rich_menu_aliases[PARENTS]
    user = bot.standin.add_user()

    new_parents = changed_parents_menu()
    report = await run_deploy(bot, [new_parents, staff, claimants])

    assert report.created == [new_parents.deployed_name]
    assert report.reused == [staff.deployed_name, claimants.deployed_name]
    assert report.aliases_updated == [PARENTS]
    assert report.default_set == new_parents.deployed_name
    assert report.deleted == [old_parents.deployed_name]
    assert names(bot) == {new_parents.deployed_name, staff.deployed_name, claimants.deployed_name}
    assert old_id not in bot.standin.rich_menus
    assert alias_target(bot, PARENTS) == new_parents.deployed_name
    assert bot.standin.displayed_rich_menu(user.user_id).definition["name"] == new_parents.deployed_name


async def test_menus_that_are_not_ours_or_still_behind_an_alias_are_kept(bot):
    old_menus = menus_for(bot)
    await run_deploy(bot, old_menus)
    old_parents_id = bot.standin.rich_menu_aliases[PARENTS]
    # Someone pointed an alias of their own at our menu, and made a campaign menu by hand.
    bot.standin.rich_menu_aliases["campaign-tab"] = old_parents_id
    campaign = bot.standin.create_rich_menu({**old_menus[0].line_request(), "name": "campaign-2568"})

    report = await run_deploy(bot, [changed_parents_menu(), old_menus[1]])

    assert report.deleted == []
    assert {old_parents_id, campaign.rich_menu_id} <= set(bot.standin.rich_menus)


async def test_a_failed_image_upload_leaves_no_half_made_menu(bot):
    bot.standin.fail_next("richmenu_upload", 500)
    with pytest.raises(ApiException):
        await run_deploy(bot, menus_for(bot))
    assert bot.standin.rich_menus == {}

    report = await run_deploy(bot, menus_for(bot))
    assert len(report.created) == len(menus_for(bot))
    assert bot.standin.default_rich_menu_id is not None


async def test_the_simulated_bot_shows_the_parents_menu_from_the_start(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace, rich_menus=True) as bot:
        await bot.rich_menu_deploy
        user = bot.standin.add_user()
        assert bot.standin.displayed_rich_menu(user.user_id).definition["name"].startswith(f"{PARENTS}@")
        assert set(bot.standin.rich_menu_aliases) == {PARENTS, STAFF, CLAIMANTS}
