"""Each preset's own selection chain, through a real browser (issue 11,
"Done when"): a tenant on the preset, a round of one of its categories, the
nomination made by a unit reviewer, a district manager or the nominee through
the public application form (自荐 / 自行填写), every review stage of the
preset's chain taken by its own role (a leader approval with the decision's
reference), the public notice where the category has one (its end simulated
in the database, as in ``test_selection_journey``) and none where it has not,
then the centre appoints within the round's seats. Each journey ends on the
policy page, which shows the preset's categories and its stage labels.

The chains are written out here from the documents (see accounts/presets.py
for the articles), not read from the presets, so that a preset that drifts
from its document fails here."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Membership
from accounts.presets import preset_rules
from roster import workflow
from roster.models import Nomination, NominationTransition, Notice
from tests.world import PASSWORD, build_world

pytestmark = pytest.mark.browser

USERS = {"unit_reviewer": "reviewer", "district_manager": "manager", "admin": "admin"}


@dataclass(frozen=True)
class Journey:
    preset: str
    category: str
    #: the preset's review stages after ``submitted``: (code, label, role)
    stages: tuple[tuple[str, str, str], ...]
    notice: bool
    #: the nominees: (full name, who files the nomination: a role or "public")
    nominees: tuple[tuple[str, str], ...]
    #: every category label of the preset, as the policy page shows them
    categories: tuple[str, ...]
    #: the label of the round's category
    label: str
    #: the stage labels of the preset's other categories (policy page)
    other_stage_labels: tuple[str, ...] = ()
    seats: int = 1
    #: leader approval stages: the decision's reference the centre records
    references: tuple[tuple[str, str], ...] = ()
    phone: bool = False


JOURNEYS = [
    # 000 第七条（一）: city officers named by the bureau's units, approved by
    # the Party group (局党组审定), no public notice.
    Journey(
        preset="wuhan",
        category="city",
        stages=(
            ("unit_endorsed", "局属单位落实人员名单", "unit_reviewer"),
            ("centre_verified", "局党组审定", "admin"),
        ),
        notice=False,
        nominees=(("钱七", "unit_reviewer"),),
        label="市派联络员",
        categories=("市派联络员", "区派联络员"),
        other_stage_labels=("单位申报", "区科技管理部门审核推荐", "转化中心信息审核"),
        references=(("centre_verified", "局党组会议纪要〔2026〕12号"),),
    ),
    # 001 第十四条（三）–（五）: unit recommendation or 自荐, the bureau fixes the
    # list, public notice; one seat for two verified nominees.
    Journey(
        preset="yangquan",
        category="commissioner",
        stages=(
            ("unit_endorsed", "派出单位推荐", "unit_reviewer"),
            ("centre_verified", "市科学技术局审核并确定选派名单", "admin"),
        ),
        notice=True,
        nominees=(("孙八", "public"), ("周九", "unit_reviewer")),
        label="科技特派员",
        categories=("科技特派员",),
    ),
    # 002 三（一）–（三）, category B: the person fills in the form, the park
    # head reviews, the county association recommends, the city association
    # fixes the list, public notice. On a phone.
    Journey(
        preset="puyang",
        category="B",
        stages=(
            ("unit_endorsed", "园区负责人初审", "unit_reviewer"),
            ("district_recommended", "县（区）科协审核推荐", "district_manager"),
            ("centre_verified", "市科协确定拟选联络员人选", "admin"),
        ),
        notice=True,
        nominees=(("吴十", "public"),),
        label="B类联络员（园区、孵化器）",
        categories=("A类联络员（高校科技管理部门）", "B类联络员（园区、孵化器）"),
        other_stage_labels=("所在单位负责人审核、高校（企业）科协推荐",),
        phone=True,
    ),
    # 003 二（二）5: dispatching unit, county or park match, the city bureau
    # decides the list; no public notice.
    Journey(
        preset="suzhou",
        category="specialist",
        stages=(
            ("unit_endorsed", "派出单位对接推荐", "unit_reviewer"),
            ("district_recommended", "县（区）、市管园区匹配确认", "district_manager"),
            ("centre_verified", "市科技局审定选派名单", "admin"),
        ),
        notice=False,
        nominees=(("郑一", "unit_reviewer"),),
        label="双链融合专员",
        categories=("双链融合专员",),
    ),
    # 004 3.1, category B: the city or county association recommends, the
    # provincial association checks, public notice.
    Journey(
        preset="hubei",
        category="B",
        stages=(
            ("district_recommended", "市县区科协推荐", "district_manager"),
            ("centre_verified", "省科协初审", "admin"),
        ),
        notice=True,
        nominees=(("冯二", "district_manager"),),
        label="B类联络员（园区、孵化器、科技型企业）",
        categories=("A类联络员（高校院所、事业单位）", "B类联络员（园区、孵化器、科技型企业）"),
        other_stage_labels=("高校科协、科研院所科协推荐",),
    ),
]


def _mobile(i: int) -> str:
    return f"1390000{i:04d}"


class Driver:
    """One journey's browser: who is signed in, and the steps."""

    def __init__(self, page, journey: Journey, slug: str, artifacts_dir) -> None:
        self.page, self.j, self.slug, self.artifacts = page, journey, slug, artifacts_dir
        self.who = None

    def check_width(self, name: str) -> None:
        overflow = self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name}: page is {overflow}px wider than the viewport"

    def shot(self, name: str) -> None:
        self.check_width(name)
        self.page.screenshot(
            path=str(self.artifacts / f"preset-{self.j.preset}-{name}.png"), full_page=True
        )

    def as_user(self, who: str | None) -> None:
        """Sign in as ``who`` (``None``: an anonymous visitor)."""
        if who == self.who:
            return
        self.page.context.clear_cookies()  # signs out
        self.who = who
        if who is None:
            return
        self.page.goto("/accounts/login/")
        self.page.fill("input[name=username]", f"{self.slug}-{who}")
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("form button[type=submit]")
        expect(self.page).to_have_url(re.compile(rf"/t/{self.slug}/$"))

    def stage_is(self, stage: str) -> None:
        expect(self.page.locator("#nomination-stage")).to_have_attribute("data-stage", stage)

    def fill(self, form, name: str, i: int, w) -> None:
        form.locator("input[name=full_name]").fill(name)
        form.locator("select[name=gender]").select_option("female" if i % 2 else "male")
        form.locator("input[name=birth_date]").fill("1988-05-06")
        form.locator("select[name=unit]").select_option(str(w.units["u1"].pk))
        form.locator("select[name=degree]").select_option("master")
        form.locator("input[name=park_years]").fill("5")
        form.locator("input[name=mobile]").fill(_mobile(i))

    def nominate(self, w, name: str, i: int, by: str) -> int:
        """The nomination, filed by ``by`` (a role, or "public"), submitted."""
        page = self.page
        if by == "public":
            self.as_user(None)
            page.goto(f"/public/{self.slug}/rounds/{w.round.pk}/apply/")
            form = page.locator("#application-form")
            self.fill(form, name, i, w)
            if i == 0:
                self.shot("1-public-application")
            form.locator("button[type=submit]").click()
            expect(page.locator(".alert-success[role=alert]")).to_be_visible()
            nomination = Nomination.objects.get(round=w.round, full_name=name)
            assert (nomination.stage, nomination.nominated_by_id) == ("draft", None)
            # the unit's reviewer finds it in the queue, their turn, and takes it up
            self.as_user("reviewer")
            page.goto(f"/t/{self.slug}/nominations/")
            row = page.locator(f'[data-nomination="{nomination.pk}"]')
            expect(row).to_have_class(re.compile(r"\blist-group-item-warning\b"))
            expect(row.locator("[data-self-applied]")).to_have_text("自荐申请")
            self.check_width("queue")
            row.click()
            expect(page).to_have_url(re.compile(rf"/nominations/{nomination.pk}/$"))
        else:
            self.as_user(USERS[by])
            page.goto(f"/t/{self.slug}/nominations/new/")
            form = page.locator("form[method=post]:has(input[name=full_name])")
            form.locator("select[name=round]").select_option(str(w.round.pk))
            self.fill(form, name, i, w)
            form.locator("button[type=submit]").click()
            expect(page).to_have_url(re.compile(rf"/t/{self.slug}/nominations/\d+/$"))
            nomination = Nomination.objects.get(round=w.round, full_name=name)
        self.stage_is("draft")
        page.locator('form[action$="/advance/"] button').click()  # submit
        self.stage_is("submitted")
        return nomination.pk

    def review(self, nomination_id: int, code: str, label: str, role: str) -> None:
        """The step's own role takes it: the button names the stage."""
        self.as_user(USERS[role])
        page = self.page
        page.goto(f"/t/{self.slug}/nominations/{nomination_id}/")
        form = page.locator('form[action$="/advance/"]')
        expect(form.locator("button")).to_have_text(label)
        comment = form.locator("input[name=comment]")
        reference = dict(self.j.references).get(code)
        if reference:  # a leader approval: the reference is required
            expect(comment).to_have_attribute("required", "")
            comment.fill(reference)
        else:
            comment.fill("同意")
        form.locator("button").click()
        self.stage_is(code)
        self.check_width(code)


def _journey_id(j: Journey) -> str:
    return f"{j.preset}-{j.category}"


@pytest.mark.parametrize("journey", JOURNEYS, ids=_journey_id)
def test_preset_selection_journey(
    journey: Journey, request, transactional_db, live_server, artifacts_dir
) -> None:
    j = journey
    page = request.getfixturevalue("phone_page" if j.phone else "page")
    slug = f"j-{j.preset}"
    today = timezone.localdate()

    # The chain written here is the preset's, in order, with its roles.
    chain = preset_rules(j.preset)["selection"][j.category]
    assert [(s["code"], s["label"], s["role"]) for s in chain["stages"]] == list(j.stages)
    assert chain["notice"] is j.notice
    assert chain["stages"][-1]["code"] == "centre_verified"
    leaders = {s["code"] for s in chain["stages"] if workflow.is_leader_approval(s)}
    assert leaders == {code for code, _ in j.references}

    w = build_world(slug, preset=j.preset)
    admin = Membership.objects.get(user=w.users["admin"])
    w.round = workflow.round_create(
        membership=admin, year=today.year + 1, category=j.category, seats=j.seats
    )
    d = Driver(page, j, slug, artifacts_dir)

    # --- nominations, then every review stage by its own role -------------------
    ids = [d.nominate(w, name, i, by) for i, (name, by) in enumerate(j.nominees)]
    for code, label, role in j.stages:
        for nomination_id in ids:
            d.review(nomination_id, code, label, role)
    d.check_width("verified")

    # --- the public notice, or none ---------------------------------------------
    d.as_user("admin")
    round_url = f"/t/{slug}/selection/{w.round.pk}/"
    page.goto(round_url)
    expect(page.locator(".page-header")).to_contain_text(j.label)
    publish = page.locator('form[action$="/publish-notice/"]')
    if j.notice:
        publish.locator("input[name=start]").fill(today.isoformat())
        publish.locator("input[name=end]").fill((today + dt.timedelta(days=7)).isoformat())
        publish.locator("button").click()
        expect(page.locator("#confirm-message")).to_contain_text(f"{len(ids)} 名")
        page.click("#confirm-ok")
        expect(page.locator(".alert-success[role=alert]")).to_be_visible()
        expect(page.locator('[data-stage="on_notice"]')).to_have_count(len(ids))
        # the notice ends: a week passes
        Notice.objects.filter(round=w.round).update(
            start=today - dt.timedelta(days=8), end=today - dt.timedelta(days=1)
        )
        page.goto(round_url)
    else:
        expect(publish).to_have_count(0)  # no 公示 for this category
        expect(page.locator("main")).to_contain_text("不经公示")
        # and a 公示 posted anyway is refused, naming the category
        token = page.locator("#appoint-form input[name=csrfmiddlewaretoken]").input_value()
        refused = page.request.post(
            f"{round_url}publish-notice/", form={"csrfmiddlewaretoken": token}, max_redirects=0
        )
        assert refused.status == 302
        page.goto(round_url)
        expect(page.locator(".alert-danger[role=alert]")).to_have_text(
            re.compile(rf"本项目认定 {re.escape(j.label)} 不经公示")
        )
        assert not Notice.objects.filter(round=w.round).exists()

    # --- the centre appoints within the seats -------------------------------------
    appoint = page.locator('form[action$="/appoint/"] button')
    if len(ids) > j.seats:
        for nomination_id in ids:  # more ticked than seats: refused, nobody appointed
            page.locator(f"#appoint-{nomination_id}").check()
        appoint.click()
        expect(page.locator("#confirm-message")).to_contain_text(f"{len(ids)} 名")
        page.click("#confirm-ok")
        expect(page.locator(".alert-danger[role=alert]")).to_contain_text(str(j.seats))
        assert not Nomination.objects.filter(round=w.round, stage="appointed").exists()
    chosen, reserves = ids[-j.seats :], ids[: -j.seats]
    for nomination_id in chosen:
        page.locator(f"#appoint-{nomination_id}").check()
    appoint.click()
    expect(page.locator("#confirm-message")).to_contain_text(f"{len(chosen)} 名")
    page.click("#confirm-ok")
    expect(page).to_have_url(re.compile(rf"{round_url}$"))
    expect(page.locator(".alert-success code", has_text="/accounts/invite/")).to_have_count(
        len(chosen)
    )
    expect(page.locator('[data-stage="appointed"]')).to_have_count(len(chosen))
    for nomination_id in reserves:
        expect(page.locator(f'#reserves [data-reserve="{nomination_id}"]')).to_have_count(1)
    d.shot("3-appointed")

    # --- the database agrees: exactly the preset's chain ---------------------------
    codes = [code for code, _, _ in j.stages]
    notice = ["on_notice"] if j.notice else []
    for nomination_id in ids:
        stages = list(
            NominationTransition.objects.filter(nomination_id=nomination_id)
            .order_by("at", "id")
            .values_list("to_stage", flat=True)
        )
        end = ["appointed"] if nomination_id in chosen else []
        assert stages == ["draft", "submitted", *codes, *notice, *end], nomination_id
        assert Nomination.objects.get(pk=nomination_id).stage == (
            "appointed" if end else stages[-1]
        )
    if leaders:
        comments = dict(
            NominationTransition.objects.filter(
                nomination_id__in=ids, to_stage__in=leaders
            ).values_list("to_stage", "comment")
        )
        assert comments == dict(j.references)

    # --- the policy page shows the preset's own rules -------------------------------
    page.goto(f"/t/{slug}/policy/")
    main = page.locator("main")
    for label in j.categories:
        expect(main).to_contain_text(label)
    for label in (*(label for _, label, _ in j.stages), *j.other_stage_labels):
        expect(main).to_contain_text(label)
    d.shot("4-policy")
