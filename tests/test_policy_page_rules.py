"""Issue 11: the policy page shows every rule of the programme in words —
per category its selection chain, notice, self-nomination and eligibility;
term, rotation, dormancy, notice days, headcount, hosts, disqualification
reasons, and what the policy does not set."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.services import tenant_create
from tests.world import PASSWORD

pytestmark = pytest.mark.django_db


def _page(client, preset: str) -> str:
    tenant_create(
        slug=f"p-{preset}",
        name=f"{preset} 科技局",
        preset=preset,
        admin_username=f"p-{preset}-admin",
        admin_password=PASSWORD,
    )
    from accounts.models import User

    client.force_login(User.objects.get(username=f"p-{preset}-admin"))
    response = client.get(reverse("policy", kwargs={"tenant_slug": f"p-{preset}"}))
    assert response.status_code == 200
    return response.content.decode()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _part(html: str, category: str, part: str) -> list[str]:
    """The texts of one part of a category's block: list items for the chain
    and eligibility, the line otherwise."""
    block = html.split(f'data-category="{category}"', 1)[1].split(f'data-part="{part}"', 1)[1]
    if part in ("chain", "eligibility"):
        block = block.split("</ol>" if part == "chain" else "</ul>", 1)[0]
        return [_text(li) for li in block.split("<li>")[1:]]
    return [_text(block.split(">", 1)[1].split("</div>", 1)[0])]


def _by_id(html: str, element_id: str) -> str:
    tail = html.split(f'id="{element_id}">', 1)[1]
    return _text(tail.split("</dd>", 1)[0].split("</p>", 1)[0].split("</ul>", 1)[0])


def test_wuhan_policy_page_shows_every_rule(client):
    html = _page(client, "wuhan")
    assert _part(html, "city", "chain") == [
        "局属单位落实人员名单（单位审核人）",
        "局党组审定（管理员（转化中心）） 领导审定",
    ]
    assert _part(html, "city", "notice") == ["公示：否"]
    assert _part(html, "city", "self") == ["自荐：否"]
    assert _part(html, "city", "eligibility") == [
        "距法定退休年龄不少于2年（阻止）",
        "在本单位工作满3个月（提示）",
    ]
    assert _part(html, "district", "chain") == [
        "单位申报（单位审核人）",
        "区科技管理部门审核推荐（区科技管理部门）",
        "转化中心信息审核（管理员（转化中心））",
    ]
    assert _part(html, "district", "notice") == ["公示：是"]
    assert _part(html, "district", "self") == ["自荐：否"]
    assert _part(html, "district", "eligibility") == ["未设资格条件"]
    assert _by_id(html, "policy-notice-days") == "5 个工作日"
    assert _by_id(html, "policy-term") == "2 年"
    assert _by_id(html, "policy-rotation") == "在同一派驻单位满 2 年后轮岗"
    assert _by_id(html, "policy-dormant") == "连续 90 天未提交台账记录"
    assert _by_id(html, "policy-headcount") == "未设下限"
    assert _by_id(html, "policy-hosts") == "未要求派驻单位"
    assert _by_id(html, "policy-disqualification") == (
        "不服从管理、长期不参加活动 弄虚作假骗取联络员资格 违法违纪 损害联络员形象"
    )
    assert 'id="policy-missing"' not in html


def test_yangquan_policy_page_shows_every_rule(client):
    html = _page(client, "yangquan")
    assert _part(html, "commissioner", "chain") == [
        "派出单位推荐（单位审核人）",
        "市科学技术局审核并确定选派名单（管理员（转化中心））",
    ]
    assert _part(html, "commissioner", "notice") == ["公示：是"]
    assert _part(html, "commissioner", "self") == ["自荐：是"]
    assert _part(html, "commissioner", "eligibility") == [
        "学位不低于硕士或职称不低于中级（阻止）",
        "近三年无科研失信记录（阻止）",
    ]
    assert _by_id(html, "policy-term") == "1 年"
    assert _by_id(html, "policy-rotation") == "未设轮岗规定"
    assert _by_id(html, "policy-dormant") == "连续 90 天未提交台账记录"
    assert _by_id(html, "policy-headcount") == "未设下限"
    assert _by_id(html, "policy-hosts") == "每人至少对接 1 个服务对象"
    assert _by_id(html, "policy-disqualification") == (
        "年度考核不合格或无故不参加考核 有违法违纪行为 存在损害派驻单位利益或严重失信的行为 "
        "不接受管理，长期不参加科技特派员相关活动"
    )
    assert _by_id(html, "policy-missing") == "本规则未设积分/定额/优秀比例。"
