"""Programme policy presets, one per programme document in ``shared/seeds/``.

A preset is plain data (JSON-serialisable) copied into a tenant's first
:class:`accounts.models.Policy`. A preset restates only its own document,
citing the article (SPEC.md §2): where a document fixes no points, quotas or
excellence ratio the preset has none (``points`` ``{}``, ``quotas`` ``[]``,
``bonus`` and ``excellence`` ``None``); where it names a rule but no number
(a notice "of some days") it takes a plain default, said so in a comment, and
the admin may change it. ``accounts.policy_schema`` validates every key.

Schema of a preset (every key is required):

- ``categories``: ``[{"code", "label", "scoring_group", "pool"}]``. ``pool`` is
  ``"city"`` (one pool named ``city``), ``"district"`` (one pool per district,
  named ``district:CODE``) or ``"all"`` (everyone together, named ``all``).
- ``points``: points per entry kind (``achievement``, ``demand``, ``event``,
  ``conversion``, ``case``, ``video``), integers; ``{}``: no points system.
- ``bonus`` (or ``None``): ``{"threshold", "amount", "requires_conversion"}``: an officer
  whose year total exceeds ``threshold`` (and who has a credited conversion
  when ``requires_conversion``) gets ``amount`` once a year.
- ``excellence`` (or ``None``: nobody is rated excellent by points):
  ``{"ratio", "rounding", "tie", "label"}``: ratio as a
  decimal string (exact), rounding ``floor`` or ``round``, tie ``include`` or
  ``exclude``.
- ``quotas``: ``[{"scope", "category", "kind", "count", "period", "basis"}]``;
  scope ``officer`` (per officer of ``category``) or ``district`` (per
  district, category ``null``); period ``month``, ``quarter`` or ``year``;
  basis ``logged`` (entries logged) or ``valid`` (demands marked valid).
- ``selection``: per category code, the selection chain of the document:
  ``{"stages": [{"code", "label", "role"}], "notice", "self_nomination"}``.
  ``stages`` are the review steps after ``submitted``; the last one is always
  ``centre_verified``; leader approvals (分管领导审定, 局党组审定) are stages of
  role ``admin`` whose label names the approval, recorded by the centre with
  the decision's reference as the comment. ``notice``: whether the verified
  list goes on public notice before appointment; ``self_nomination``: whether
  a person may apply through the public form.
- ``review_stages``: ``{category: selection[category]["stages"]}`` (kept for
  the policy API).
- ``notice_days``: length of a public notice in working days.
- ``term_years``: term length in years.
- ``rotation_years``: years at one host before rotation (``null``: none),
  counted from the start of the current host assignment.
- ``headcount``: ``{"min_per_district"}``: the fewest active officers a
  district must have (``null``: no minimum).
- ``hosts_required``: every active officer serves at least one host.
- ``dormant_days``: days without a submitted entry before an officer is
  flagged as dormant.
- ``mfa_required_roles``: role codes whose members must turn on two-factor
  sign-in before they use the tenant's pages and API (``[]``: nobody).
- ``disqualification_reasons``: ``[{"code", "label"}]``.
- ``eligibility``: per category code, a list of structured checks
  ``[{"code", "label", "level", "rule", ...params}]`` with level ``block`` or
  ``warn`` and ``rule`` one of the kinds of :mod:`roster.eligibility`; the
  selection workflow runs them at submission on the nomination's fields.
- ``source``: the document the preset restates.
- ``assessment`` (or ``None``: no assessment): the annual assessment (issue
  12, SPEC.md §6a), ``{"method", "components", "criteria", "vetoes",
  "grades", "consequences"}``; ``accounts.policy_schema`` gives its shape and
  ``scoring.engine.assessment`` what it means.
- ``duties``: the officers' duties beyond the ledger (issue 13, SPEC.md §5a):
  reports with their due day, agreements, service days and trainings.
"""

from __future__ import annotations

import copy

KINDS = ("achievement", "demand", "event", "conversion", "case", "video")

_WUHAN_DISQUALIFICATION = [
    {"code": "no_management", "label": "不服从管理、长期不参加活动"},
    {"code": "fraud", "label": "弄虚作假骗取联络员资格"},
    {"code": "law_violation", "label": "违法违纪"},
    {"code": "image_damage", "label": "损害联络员形象"},
]


def _selection(stages: list[dict], *, notice: bool = True, self_nomination: bool = False) -> dict:
    """One category's selection chain (see ``selection`` above)."""
    return {"stages": stages, "notice": notice, "self_nomination": self_nomination}


def _review_stages(selection: dict) -> dict:
    """``review_stages`` as the policy API shows it: each category's stages."""
    return {code: copy.deepcopy(chain["stages"]) for code, chain in selection.items()}


def _certificates(label: str) -> dict:
    """A certificate holder is preferred (a warning when the nominee holds
    none of the named certificates)."""
    return {
        "code": "certificate_preferred",
        "label": label,
        "level": "warn",
        "rule": "certificates",
        "any_of": ["patent_agent", "technology_manager", "technology_broker"],
    }


def _wuhan_points() -> dict:
    """Points per verified entry, 000 第十八条（一）: 5 / 5 / 10 / 100; cases and
    videos count for quotas only (no points)."""
    return {"achievement": 5, "demand": 5, "event": 10, "conversion": 100, "case": 0, "video": 0}


def _wuhan_bonus() -> dict:
    """000 第十八条（一）：在成功转化成果的基础上积分累计超过1000分，奖励100分."""
    return {"threshold": 1000, "amount": 100, "requires_conversion": True}


def _city_quotas(category: str) -> list[dict]:
    """000 第十一条（一）: a city officer (市派) collects 2 achievements and
    organises 2 events a month and reports 1 typical case a year; 第十七条（二）:
    1 short video a month."""
    return [
        _quota(category, "achievement", 2, "month"),
        _quota(category, "event", 2, "month"),
        _quota(category, "case", 1, "year"),
        _quota(category, "video", 1, "month"),
    ]


def _district_quotas(category: str) -> list[dict]:
    """000 第十一条（二）: a district officer (区派) gathers 2 valid demands and
    organises 4 events a year; 第十七条（二）: 1 short video a quarter."""
    return [
        _quota(category, "demand", 2, "year", basis="valid"),
        _quota(category, "event", 4, "year"),
        _quota(category, "video", 1, "quarter"),
    ]


def _quota(category, kind, count, period, *, basis="logged", scope="officer") -> dict:
    return {
        "scope": scope,
        "category": category,
        "kind": kind,
        "count": count,
        "period": period,
        "basis": basis,
    }


def _district_cases() -> dict:
    """000 第十一条（二）：各区每年报送典型案例不少于2篇."""
    return _quota(None, "case", 2, "year", scope="district")


# -- the annual assessment (issue 12, SPEC.md §6a) -------------------------------
# Where a document names what is assessed but no weights, the components
# weigh the same (1 each, a plain default the admin may change); grade
# thresholds (excellent ≥ 85, qualified ≥ 60 of 100) and the scores of a
# district's opinion levels are plain defaults too: no document gives them.

_EXCELLENT_MIN, _QUALIFIED_MIN = 85, 60  # plain defaults


def _grade(code: str, min_score: int | None = None, cap: dict | None = None) -> dict:
    label = {"excellent": "优秀", "good": "良好", "qualified": "合格", "unqualified": "不合格"}
    grade = {"code": code, "label": label[code]}
    if min_score is not None:
        grade["min_score"] = min_score
    if cap is not None:
        grade["cap"] = cap
    return grade


def _graded_grades(*, excellent_cap: dict | None = None, excellent: bool = True) -> list[dict]:
    """优秀 / 合格 / 不合格 (or 合格 / 不合格 without ``excellent``)."""
    grades = [_grade("excellent", _EXCELLENT_MIN, excellent_cap)] if excellent else []
    return [*grades, _grade("qualified", _QUALIFIED_MIN), _grade("unqualified", 0)]


def _component(code: str, label: str, kind: str, **params) -> dict:
    """One assessment component, weight 1 (see the plain defaults above)."""
    return {"code": code, "label": label, "kind": kind, "weight": 1, **params}


def _criteria(*pairs: tuple[str, str]) -> list[dict]:
    return [{"code": code, "label": label} for code, label in pairs]


def _veto(kind: str, label: str, **params) -> dict:
    """A veto that makes the officer 不合格."""
    return {"kind": kind, "grade": "unqualified", "label": label, **params}


def _disqualified_veto(article: str) -> dict:
    """SPEC.md §6a: an officer disqualified in the year is 不合格."""
    return _veto("disqualified", f"年度内被取消资格（{article}）")


def _consequences(*, blocks: bool = False, ends: bool = False, discipline: bool = False) -> dict:
    return {
        "unqualified_blocks_next_nomination": blocks,
        "unqualified_ends_service": ends,
        "discipline_removes_excellence": discipline,
    }


def _duty(code: str, label: str, kind: str, **params) -> dict:
    return {"code": code, "label": label, "kind": kind, **params}


def _graded(
    components: list[dict], criteria: dict, vetoes: list[dict], grades: list[dict], **consequences
) -> dict:
    return {
        "method": "graded",
        "components": components,
        "criteria": criteria,
        "vetoes": vetoes,
        "grades": grades,
        "consequences": _consequences(**consequences),
    }


WUHAN = {
    "source": "武汉市科技成果转化联络员工作管理办法",
    "categories": [
        {"code": "city", "label": "市派联络员", "scoring_group": "city", "pool": "city"},
        {
            "code": "district",
            "label": "区派联络员",
            "scoring_group": "district",
            "pool": "district",
        },
    ],
    "points": _wuhan_points(),
    "bonus": _wuhan_bonus(),
    # 第十八条（三）：年度排名前30%的联络员评定为优秀.
    "excellence": {
        "ratio": "0.30",
        "rounding": "floor",
        "tie": "include",
        "label": "年度考核前30%评为优秀",
    },
    "quotas": [*_city_quotas("city"), *_district_quotas("district"), _district_cases()],
    # 第七条（一）市派: 1. the centre's plan of seats goes to the deputy
    # director (报局分管领导审) — the plan, not a nominee, so no stage; 2. the
    # bureau's units name the people (局属单位落实人员名单); 3. the list goes to
    # the bureau's Party group (报经局党组审定), then the centre carries it out:
    # no public notice. 第七条（二）区派: 1. units apply (组织申报); 2. the
    # district reviews and recommends (组织推荐); 3. the centre checks the
    # information and fixes the list, 4. which the deputy director approves
    # before the notice (报分管领导审定后予以公示): one step of the centre
    # (API.md's chain has no code of its own for it); the approval's reference
    # goes in the step's comment when the centre has it, not required, so
    # that clients walking API.md's district chain keep working; 5. appointment
    # (下发通知).
    "selection": {
        "city": _selection(
            [
                {"code": "unit_endorsed", "label": "局属单位落实人员名单", "role": "unit_reviewer"},
                {"code": "centre_verified", "label": "局党组审定", "role": "admin"},
            ],
            notice=False,
        ),
        "district": _selection(
            [
                {"code": "unit_endorsed", "label": "单位申报", "role": "unit_reviewer"},
                {
                    "code": "district_recommended",
                    "label": "区科技管理部门审核推荐",
                    "role": "district_manager",
                },
                {
                    "code": "centre_verified",
                    "label": "转化中心信息审核",
                    "role": "admin",
                },
            ],
        ),
    },
    "notice_days": 5,  # default: 第七条 "予以公示", no length.
    "term_years": 2,  # 第八条（一）：原则上联络员派驻高校满两年轮岗.
    "rotation_years": 2,  # 第八条（一）：原则上联络员派驻高校满两年轮岗一次.
    "headcount": {"min_per_district": None},  # no minimum per district in the document.
    "hosts_required": False,
    "dormant_days": 90,  # default: the document sets no dormancy period.
    "mfa_required_roles": [],  # issue 10: roles that must sign in with two-factor
    # Wuhan ranks by points (第十八条（三）：年度排名前30%的联络员评定为优秀 —
    # the ``excellence`` above); the others are 合格 (plain default: the document
    # names no other grade). 第二十二条：对违反工作纪律和党风廉政纪律的市派联络员，
    # 取消评优资格，同时认定为年度考核不合格 — city officers only.
    "assessment": {
        "method": "points",
        "components": [],
        "criteria": {},
        "vetoes": [
            _veto(
                "discipline_violation",
                "违反工作纪律和党风廉政纪律（第二十二条）",
                categories=["city"],
            )
        ],
        "grades": [_grade("excellent"), _grade("qualified"), _grade("unqualified")],
        "consequences": _consequences(discipline=True),
    },
    # 000 第十三条（二）: city officers report the week's plan each Monday;
    # SPEC.md §5 adds district officers' monthly plan before the 10th (the
    # document is silent on it). 第十五条: training every half year (2 a year)
    # and a city officers' exchange meeting every month (12 a year).
    "duties": [
        _duty(
            "weekly_plan",
            "市派联络员每周工作安排",
            "report",
            categories=["city"],
            report="weekly_plan",
            due_offset_days=0,
        ),
        _duty(
            "monthly_plan",
            "区派联络员月度工作计划（每月10日前）",
            "report",
            categories=["district"],
            report="monthly_plan",
            due_offset_days=9,
        ),
        _duty(
            "training", "集中业务培训（每半年1次）", "training", training="training", min_per_year=2
        ),
        _duty(
            "exchange_meeting",
            "市派联络员交流会或推进会（每月1次）",
            "training",
            categories=["city"],
            training="exchange_meeting",
            min_per_year=12,
        ),
    ],
    "disqualification_reasons": _WUHAN_DISQUALIFICATION,
    # 第八条（一）: 新入职人员工作期满3个月的，优先选派; 距离退休年龄不足2年
    # …的，不作为选派对象. 第六条 (district officers) states no checkable condition.
    "eligibility": {
        "city": [
            {
                "code": "retirement_margin",
                "label": "距离退休年龄不足2年的不作为选派对象",
                "level": "block",
                "rule": "retirement_margin",
                "years": 2,
            },
            {
                "code": "new_staff_preferred",
                "label": "新入职人员工作期满3个月的优先选派",
                "level": "warn",
                "rule": "service_months",
                "months": 3,
            },
        ],
        "district": [],
    },
}

# The presets below are graded programmes (SPEC.md §6a): their documents fix
# no points, bonus, quotas of entry kinds or excellence ratio of a points
# ranking, so they have none; the comments name the article a number comes
# from, or say that it is a plain default.

YANGQUAN = {
    "source": "阳泉市科技特派员管理办法",
    "categories": [
        {
            "code": "commissioner",
            "label": "科技特派员",
            "scoring_group": "commissioner",
            "pool": "all",
        },
    ],
    # The document has no points system and no bonus.
    "points": {},
    "bonus": None,
    # 第十八条：优秀等次名额比例不超过年度考核总人数的20% — a cap on the grades
    # of the annual comprehensive assessment (第十七条: duties, results,
    # conversions, satisfaction), not a share of a points ranking: with no
    # points every officer has 0 and none could be ranked excellent. The cap
    # belongs to the assessment (issue 12), so no points excellence here.
    "excellence": None,
    # No quota of entry kinds: its counted duties (第十七条 按季度报送工作进展,
    # at least one 服务对象) are reports and hosts, the duties of issue 13.
    "quotas": [],
    # 第十四条（三）: dispatching units recommend (派出单位推荐), or a person
    # applies directly (企业法人、技术带头人、农村乡土人才等可直接…自荐): self-
    # nomination. （四）: the city bureau checks the match and fixes the list
    # (严格审核专业匹配度，研究并确定选派名单), then a notice (在一定范围内公示);
    # （五）: no objection → the list is published. The county recommendation
    # of （二） is optional ("可"), so it is not a stage every nomination passes.
    "selection": {
        "commissioner": _selection(
            [
                {"code": "unit_endorsed", "label": "派出单位推荐", "role": "unit_reviewer"},
                {
                    "code": "centre_verified",
                    "label": "市科学技术局审核并确定选派名单",
                    "role": "admin",
                },
            ],
            self_nomination=True,
        ),
    },
    "notice_days": 5,  # default: 第十四条（五）"经公示无异议", no length.
    "term_years": 1,  # 第十四条（五）：协议有效期一般为一年，到期后视情况续签.
    "rotation_years": None,  # no rotation in the document.
    "headcount": {"min_per_district": None},
    "hosts_required": True,  # 第十三条（四）：每名科技特派员需对接至少1个服务对象.
    "dormant_days": 90,  # default: the document sets no dormancy period.
    "mfa_required_roles": [],  # issue 10: roles that must sign in with two-factor
    # 第十七条：市科学技术局结合辖区科技管理部门意见、派驻单位评价、日常服务次数与
    # 记录、年度工作实绩以及廉洁自律等情况，开展综合考评 — no weights: equal.
    "assessment": _graded(
        [
            # 第十七条 辖区科技管理部门意见 (levels: plain default scores)
            _component(
                "county_opinion",
                "县（区）、高新区科技管理部门意见",
                "district_opinion",
                levels=[
                    {"code": "excellent", "label": "优秀", "score": 100},
                    {"code": "qualified", "label": "合格", "score": 60},
                    {"code": "unqualified", "label": "不合格", "score": 0},
                ],
            ),
            # 第十七条 派驻单位评价 (第六条：派驻单位…对服务成效作出评价)
            _component("host_evaluation", "派驻单位评价", "rating", rater="host"),
            # 第十七条 日常服务次数与记录: days of recorded service; 12 a year
            # (one a month) earn full marks — a plain default, no number given
            _component("service_records", "日常服务次数与记录", "service_days", full_at=12),
            # 第十七条 年度工作实绩, rated by the county office that receives
            # the quarterly progress reports (第五条：协助考核评价)
            _component("results", "年度工作实绩", "rating", rater="district"),
        ],
        {
            # 第十七条：考核内容涵盖履职尽责情况、技术服务成效、创新成果转化、
            # 服务对象满意度
            "host": _criteria(
                ("duties", "履职尽责情况"),
                ("service", "技术服务成效"),
                ("conversion", "创新成果转化"),
                ("satisfaction", "服务对象满意度"),
            ),
            "district": _criteria(("results", "年度工作实绩")),
        },
        [
            # 第十七条 廉洁自律; 第十三条（一）无科研失信行为、无违法违纪记录
            _veto("integrity_record", "廉洁自律、科研诚信（第十七条）"),
            _disqualified_veto("第十六条"),
        ],
        # 第十八条：分为优秀、合格、不合格三个等次，其中优秀等次名额比例不超过年度
        # 考核总人数的20% — "不超过": rounded down, a tie on the last place left
        # out (SPEC.md §6a)
        _graded_grades(excellent_cap={"ratio": "0.2", "rounding": "floor", "tie": "exclude"}),
        # 第十八条：对考核不合格的取消下一年度科技特派员申报资格; 第十六条（一）：
        # 年度考核不合格…取消其科技特派员资格
        blocks=True,
        ends=True,
    ),
    # 第十一条（五）: a three-party service agreement filed with the bureau,
    # valid for one year, renewed as needed; 第十七条: a progress report every
    # quarter (the document names no day: due ten days after the quarter).
    "duties": [
        _duty(
            "agreement",
            "三方服务合作协议（报市科学技术局备案）",
            "agreement",
            months=12,
            remind_days=30,
        ),
        _duty(
            "quarterly_report",
            "按季度报送工作进展",
            "report",
            report="quarterly_report",
            due_offset_days=10,
        ),
    ],
    # 第十六条 (（五）"其他不适合继续担任" has no code).
    "disqualification_reasons": [
        {"code": "assessment_failed", "label": "年度考核不合格或无故不参加考核"},
        {"code": "law_violation", "label": "有违法违纪行为"},
        {"code": "host_harm", "label": "存在损害派驻单位利益或严重失信的行为"},
        {"code": "no_management", "label": "不接受管理，长期不参加科技特派员相关活动"},
    ],
    # 第十三条（一）（二）.
    "eligibility": {
        "commissioner": [
            {
                "code": "degree_or_title",
                "label": "具有硕士学位或中级（含）以上职称",
                "level": "block",
                "rule": "degree_or_title",
                "degree": "master",
                "title_level": "intermediate",
            },
            {
                "code": "integrity_record",
                "label": "近三年内无科研失信行为、无违法违纪记录、无不良信用记录",
                "level": "block",
                "rule": "no_integrity_record",
            },
        ],
    },
}

PUYANG = {
    "source": "濮阳市科协关于开展首批“科创龙都”联络员推荐认定工作的通知",
    "categories": [
        {
            "code": "A",
            "label": "A类联络员（高校科技管理部门）",
            "scoring_group": "A",
            "pool": "all",
        },
        {"code": "B", "label": "B类联络员（园区、孵化器）", "scoring_group": "B", "pool": "all"},
    ],
    # The notice has no points system and no bonus.
    "points": {},
    "bonus": None,
    # 四（三）：每年对联络员工作开展情况进行评估，对…优秀联络员进行通报表彰 —
    # an evaluation with no share of excellent officers: none.
    "excellence": None,
    # 二 (duties) fixes no counts ("定期走访企业"): no quotas.
    "quotas": [],
    # 三（一）: the person fills in the form (符合条件的人员自行填写…推荐表):
    # self-nomination. A: the unit head's review and the university's own
    # association are both inside the dispatching unit, one unit stage. B: the
    # park head reviews first (园区负责人初审), then the county association,
    # which covers every park of its county, recommends (三（二）). 三（三）:
    # the city association fixes the list and gives notice (予以公示); 三（四）:
    # after the notice, the recognition notice (认定通知).
    "selection": {
        "A": _selection(
            [
                {
                    "code": "unit_endorsed",
                    "label": "所在单位负责人审核、高校（企业）科协推荐",
                    "role": "unit_reviewer",
                },
                {"code": "centre_verified", "label": "市科协确定拟选联络员人选", "role": "admin"},
            ],
            self_nomination=True,
        ),
        "B": _selection(
            [
                {"code": "unit_endorsed", "label": "园区负责人初审", "role": "unit_reviewer"},
                {
                    "code": "district_recommended",
                    "label": "县（区）科协审核推荐",
                    "role": "district_manager",
                },
                {"code": "centre_verified", "label": "市科协确定拟选联络员人选", "role": "admin"},
            ],
            self_nomination=True,
        ),
    },
    "notice_days": 5,  # default: 三（三）"予以公示", no length.
    "term_years": 2,  # 四（三）：原则上，联络员任期两年.
    "rotation_years": None,  # no rotation in the document.
    "headcount": {"min_per_district": None},
    "hosts_required": False,
    "dormant_days": 90,  # default: the notice sets no dormancy period.
    "mfa_required_roles": [],  # issue 10: roles that must sign in with two-factor
    # 四（三）：市科协每年对联络员工作开展情况进行评估 — one evaluation, no
    # weights or components named: the associations that recommend and serve
    # the officers (三（二）, 四（一）) rate the work; no excellence ratio.
    "assessment": _graded(
        [_component("work", "联络员工作开展情况评估", "rating", rater="district")],
        {
            "district": _criteria(
                ("work", "工作开展情况"),
                ("contribution", "成绩和贡献"),
            )
        },
        # 四（三）：工作敷衍、弄虚作假甚至违法违规的，取消其任职资格
        [_disqualified_veto("四（三）")],
        # 四（三）：优秀联络员进行通报表彰 (no ratio)
        _graded_grades(),
        # 四（三）：工作敷衍…取消其任职资格 (the "zombie" officer is weeded out)
        ends=True,
    ),
    # 五: yearly evaluation, training and visits "from time to time" — no
    # duty with a date or a count.
    "duties": [],
    # 四（三）：对工作敷衍、弄虚作假甚至违法违规的联络员，取消其任职资格.
    "disqualification_reasons": [
        {"code": "no_management", "label": "工作敷衍"},
        {"code": "fraud", "label": "弄虚作假"},
        {"code": "law_violation", "label": "违法违规"},
    ],
    # 一（二）5.
    "eligibility": {
        "A": [],
        "B": [
            {
                "code": "park_experience",
                "label": "具备3年以上高新园区、产业园、科技园、孵化器管理工作经验",
                "level": "block",
                "rule": "park_years",
                "years": 3,
            },
            _certificates("有专利代理人资格证或技术经理人证书者优先"),
        ],
    },
}

SUZHOU = {
    "source": "宿州市双链融合专员服务县域经济高质量发展实施方案",
    "categories": [
        {
            "code": "specialist",
            "label": "双链融合专员",
            "scoring_group": "specialist",
            "pool": "district",
        },
    ],
    # The plan has no points system and no bonus.
    "points": {},
    "bonus": None,
    # 二（三）6：建立双链融合专员考核评价制度 — an evaluation with no share of
    # excellent specialists: none.
    "excellence": None,
    # Its counts are not entry kinds (二（一）1 每个县（区）不少于4名 is the
    # headcount; 二（三）3 每年服务时间不少于一个月 is service days, issue 13):
    # no quotas.
    "quotas": [],
    # 二（二）5（2）: the city bureau works with the dispatching units and
    # drafts the list (初步拟定选派人员名单); （3）: specialists are matched with
    # the counties and parks (匹配成功后…签订相关协议). The city bureau's
    # decision on the list comes last here. The plan has no public notice.
    "selection": {
        "specialist": _selection(
            [
                {"code": "unit_endorsed", "label": "派出单位对接推荐", "role": "unit_reviewer"},
                {
                    "code": "district_recommended",
                    "label": "县（区）、市管园区匹配确认",
                    "role": "district_manager",
                },
                {"code": "centre_verified", "label": "市科技局审定选派名单", "role": "admin"},
            ],
            notice=False,
        ),
    },
    "notice_days": 5,  # default: the plan has no public notice (see ``selection``).
    "term_years": 2,  # 二（三）3：以两年为一个派驻周期；派驻期满可申请续派.
    "rotation_years": None,  # the 2-year cycle is the term (续派 renews it), not a rotation.
    # 二（一）1（1）：按每个县（区）、市管各园区不少于4名双链融合专员选派.
    "headcount": {"min_per_district": 4},
    "hosts_required": False,
    "dormant_days": 90,  # default: the plan sets no dormancy period.
    "mfa_required_roles": [],  # issue 10: roles that must sign in with two-factor
    # 二（三）6：由县（区）、市管各园区科技部门牵头，会同服务单位…考核评价。评价坚持
    # 以企业导向、工作主动性、企业满意度、工作成效等为主要内容，每年进行一次 — no
    # weights: equal.
    "assessment": _graded(
        [
            _component(
                "county_evaluation", "县（区）、园区科技部门评价", "rating", rater="district"
            ),
            _component(
                "enterprise_satisfaction", "服务单位（企业）满意度", "rating", rater="enterprise"
            ),
        ],
        {
            "district": _criteria(
                ("enterprise_orientation", "企业导向"),
                ("initiative", "工作主动性"),
                ("results", "工作成效"),
            ),
            "enterprise": _criteria(("satisfaction", "企业满意度")),
        },
        [
            # 二（三）3：原则上每年服务时间不少于一个月 (30 days)
            _veto("service_days_below", "每年服务时间不少于一个月（二（三）3）", days=30),
            _disqualified_veto("二（三）5"),
        ],
        # 二（三）6 names only the 不合格等次: 合格 / 不合格, no excellence
        _graded_grades(excellent=False),
        # 二（三）6：评价为不合格等次的，终止与该专员合作，不再予以派驻服务
        blocks=True,
        ends=True,
    ),
    # 3: agreements with the county or park, a two-year posting (续派 on
    # renewal), at least one month (30 days) of service a year.
    "duties": [
        _duty(
            "agreement",
            "与县（区）、市管园区签订的派驻协议",
            "agreement",
            months=24,
            remind_days=30,
        ),
        _duty("service_days", "每年服务时间不少于一个月", "service_days", min_days=30),
    ],
    # 二（三）6 and 二（三）5.
    "disqualification_reasons": [
        {
            "code": "assessment_failed",
            "label": "年度考核评价为不合格等次（终止合作，不再予以派驻服务）",
        },
        {"code": "law_violation", "label": "违反工作纪律，经查实按照有关规定处理"},
    ],
    # 二（二）1 states no checkable condition.
    "eligibility": {"specialist": []},
}

HUBEI = {
    "source": "科创联络员制度在科创服务中的实践探索——以科创湖北联络员为例",
    "categories": [
        {
            "code": "A",
            "label": "A类联络员（高校院所、事业单位）",
            "scoring_group": "A",
            "pool": "all",
        },
        {
            "code": "B",
            "label": "B类联络员（园区、孵化器、科技型企业）",
            "scoring_group": "B",
            "pool": "all",
        },
    ],
    # The paper has no points system and no bonus (its officers are unpaid
    # volunteers).
    "points": {},
    "bonus": None,
    # 6.3：对考核优秀的联络员，给予精神鼓励 — no share of excellent officers.
    "excellence": None,
    # 2.2 lists duties with no counts: no quotas.
    "quotas": [],
    # 3.1：经市县区科协、科研院所科协、企业科协和高校科协推荐，省科协初审及公示.
    # A: the university's / institute's own association (a unit); B: the
    # city or county association of the park.
    "selection": {
        "A": _selection(
            [
                {
                    "code": "unit_endorsed",
                    "label": "高校科协、科研院所科协推荐",
                    "role": "unit_reviewer",
                },
                {"code": "centre_verified", "label": "省科协初审", "role": "admin"},
            ],
        ),
        "B": _selection(
            [
                {
                    "code": "district_recommended",
                    "label": "市县区科协推荐",
                    "role": "district_manager",
                },
                {"code": "centre_verified", "label": "省科协初审", "role": "admin"},
            ],
        ),
    },
    "notice_days": 5,  # default: 3.1 "省科协初审及公示", no length.
    "term_years": 2,  # 3.1：认定期为 2 年.
    "rotation_years": None,  # no rotation in the paper.
    "headcount": {"min_per_district": None},
    "hosts_required": False,
    "dormant_days": 90,  # default: 4.1 "淘汰僵尸联络员", no number.
    "mfa_required_roles": [],  # issue 10: roles that must sign in with two-factor
    # 2.3：领导小组负责联络员的认定、管理、考核; 4.1：聘期届满，分批次考核，
    # 淘汰僵尸联络员 — no weights: equal.
    "assessment": _graded(
        [
            # 3.3 一人一档：提交成果、反馈需求、参与互动, rated by the
            # association that recommended the officer (6.2 谁推荐，谁管理)
            _component("activity", "一人一档工作纪实", "rating", rater="district"),
            # 2.2⑤ 按照办公室要求，提交工作总结; 3.3 进行工作小结
            _component("summaries", "按要求提交工作总结", "reports_on_time"),
            # 3.2 每年至少组织1场次联络员集中培训
            _component("training", "参加集中培训", "training_attendance"),
        ],
        {
            "district": _criteria(
                ("achievements", "提交成果"),
                ("demands", "反馈需求"),
                ("interaction", "参与互动"),
            )
        },
        [_disqualified_veto("3.3 退出")],
        # 6.3：对考核优秀的联络员，给予精神鼓励 (no ratio)
        _graded_grades(),
        # 4.1：淘汰僵尸联络员，保留活跃联络员
        ends=True,
    ),
    # 3.2: at least one collective training a year; 2.2 ⑤: a work summary
    # (the paper names no day: due fifteen days after the year).
    "duties": [
        _duty(
            "training",
            "联络员集中培训（每年至少1场次）",
            "training",
            training="training",
            min_per_year=1,
        ),
        _duty(
            "annual_summary", "年度工作总结", "report", report="annual_summary", due_offset_days=15
        ),
    ],
    # The paper lists no reasons (its 工作细则 is not published): wuhan's.
    "disqualification_reasons": copy.deepcopy(_WUHAN_DISQUALIFICATION),
    # 2.1⑤ (①–④ are not checkable from the nomination form).
    "eligibility": {
        "A": [_certificates("有专利代理人资格证或技术经纪人证书者优先")],
        "B": [_certificates("有专利代理人资格证或技术经纪人证书者优先")],
    },
}

PRESETS: dict[str, dict] = {
    "wuhan": WUHAN,
    "yangquan": YANGQUAN,
    "puyang": PUYANG,
    "suzhou": SUZHOU,
    "hubei": HUBEI,
}

# ``review_stages`` stays for the policy API: each category's selection stages.
for _preset in PRESETS.values():
    _preset["review_stages"] = _review_stages(_preset["selection"])


def preset_rules(name: str) -> dict:
    """A deep copy of a preset's rules, safe to store and edit."""
    try:
        return copy.deepcopy(PRESETS[name])
    except KeyError:
        raise ValueError(f"unknown preset {name!r}; known: {', '.join(PRESETS)}") from None
