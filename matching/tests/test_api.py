"""``matches/`` (API.md "Additions — Matching") and the ``matches/feedback/``
addition: suggestions best first with reasons in the caller's language;
reach, roles, 400 and 404."""

from __future__ import annotations

import pytest

from ledgers.tests.conftest import make_entry
from matching.models import Match, MatchFeedback

from .test_services import DEMAND, LITHIUM, MEDICINE

pytestmark = pytest.mark.django_db
ONE_OF = "不能都给或都不给。"


@pytest.fixture
def pair(world):
    """A verified lithium demand crediting d1 and achievements crediting d2."""
    lithium = make_entry(world, ["d2"], status="verified", **LITHIUM)
    make_entry(world, ["d2"], status="verified", **MEDICINE)
    demand = make_entry(world, ["d1"], status="verified", **DEMAND)
    return demand, lithium


def test_suggestions_for_a_demand_in_chinese(world, pair):
    demand, lithium = pair
    response = world.api("admin").get(world.url(f"matches/?demand={demand.id}"))
    assert response.status_code == 200
    assert response.json() == [
        {
            "achievement": lithium.id,
            "reference": None,
            "library": None,
            "title": "一种高稳定性锂电池正极材料",
            "published": None,
            "programme": None,
            "score": 0.72,
            "reasons": [
                "同一行业：电气机械和器材制造业（C38）",
                "共同关键词：锂电池",
                "成熟度：中试阶段，达到需求（中试阶段）",
            ],
        }
    ]


def test_suggestions_for_an_achievement_in_english(world, pair):
    demand, lithium = pair
    # the manager (d1) reaches the demand, not the achievement (d2)
    manager = world.api("manager")
    assert manager.get(world.url(f"matches/?demand={demand.id}")).status_code == 200
    assert manager.get(world.url(f"matches/?achievement={lithium.id}")).status_code == 404
    response = world.api("auditor").get(
        world.url(f"matches/?achievement={lithium.id}"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response.json() == [
        {
            "demand": demand.id,
            "title": "锂电池隔膜涂覆工艺升级",
            "published": None,
            "programme": None,
            "score": 0.72,
            "reasons": [
                "Same industry: 电气机械和器材制造业 (C38)",
                "Shared terms: 锂电池",
                "Maturity Pilot scale meets the need (Pilot scale)",
            ],
        }
    ]


def test_the_same_district_is_a_reason(world):
    make_entry(world, ["d1"], status="verified", **LITHIUM)
    demand = make_entry(world, ["d1"], status="verified", **DEMAND)
    rows = world.api("admin").get(world.url(f"matches/?demand={demand.id}")).json()
    assert rows[0]["reasons"][-1] == "同一区域：一区"
    assert rows[0]["score"] == 0.82


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "请给出 demand（企业技术需求）或 achievement（科技成果）中的一个编号，" + ONE_OF),
        ("?demand=1&achievement=2", None),
        ("?demand=abc", "台账编号必须是数字。"),
        ("?achievement=-3", "台账编号必须是数字。"),
        ("?demand=²", "台账编号必须是数字。"),
    ],
)
def test_bad_queries_answer_400_in_chinese(world, query, message):
    response = world.api("admin").get(world.url(f"matches/{query}"))
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail == (message or detail) and detail.startswith(("请给出", "台账编号"))


def test_out_of_reach_answers_404(world, other_world, pair):
    demand, _lithium = pair
    # the officer sees only entries crediting them; the reviewer only their unit's
    for role in ("officer", "reviewer"):
        assert world.api(role).get(world.url(f"matches/?demand={demand.id}")).status_code == 404
    # another tenant's entry, a missing one, the wrong kind
    assert world.api("admin").get(world.url("matches/?demand=99999999")).status_code == 404
    other = make_entry(other_world, ["d1"], status="verified", **DEMAND)
    assert world.api("admin").get(world.url(f"matches/?demand={other.id}")).status_code == 404
    assert world.api("admin").get(world.url(f"matches/?achievement={demand.id}")).status_code == 404
    # the other tenant's admin does not reach ours either
    other_url = other_world.url(f"matches/?demand={demand.id}")
    assert other_world.api("admin").get(other_url).status_code == 404
    assert world.api("auditor").get(world.url(f"matches/?demand={demand.id}")).status_code == 200


def test_a_draft_has_no_suggestions_and_a_never_matched_entry_is_matched_on_read(world, pair):
    demand, lithium = pair
    draft = make_entry(world, ["d1"], **DEMAND)
    assert world.api("admin").get(world.url(f"matches/?demand={draft.id}")).json() == []
    Match.objects.all().delete()
    from matching.models import MatchRun

    MatchRun.objects.all().delete()
    rows = world.api("admin").get(world.url(f"matches/?demand={demand.id}")).json()
    assert [r["achievement"] for r in rows] == [lithium.id]


def test_suggestions_list_is_capped_at_ten_and_reads_few_queries(
    world, django_assert_max_num_queries
):
    for i in range(12):
        make_entry(world, ["d2"], status="verified", **{**LITHIUM, "title": f"锂电池隔膜{i:02d}"})
    demand = make_entry(world, ["d1"], status="verified", **DEMAND)
    client = world.api("admin")
    client.get(world.url(f"matches/?demand={demand.id}"))  # matched on first read
    with django_assert_max_num_queries(11):  # token, membership, tenant, mfa, network …
        rows = client.get(world.url(f"matches/?demand={demand.id}")).json()
    assert len(rows) == 10
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)


def test_not_relevant_feedback(world, pair, django_capture_on_commit_callbacks):
    demand, lithium = pair
    body = {"demand": demand.id, "achievement": lithium.id, "verdict": "not_relevant"}
    url = world.url("matches/feedback/")
    for role in ("auditor", "reviewer"):
        assert world.api(role).post(url, body, format="json").status_code == 403
    # the officer reaches neither side
    assert world.api("officer").post(url, body, format="json").status_code == 404
    bad = world.api("manager").post(url, {**body, "verdict": "maybe"}, format="json")
    assert bad.status_code == 400
    swapped = {**body, "demand": lithium.id, "achievement": demand.id}
    assert world.api("admin").post(url, swapped, format="json").status_code == 404
    assert not MatchFeedback.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = world.api("manager").post(url, body, format="json")
    assert done.status_code == 201
    assert done.json()["verdict"] == "not_relevant"
    assert world.api("manager").post(url, body, format="json").status_code == 200
    rows = world.api("admin").get(world.url(f"matches/?demand={demand.id}")).json()
    assert rows == []
    assert MatchFeedback.objects.get().by == world.users["manager"]
