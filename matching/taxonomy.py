"""The field taxonomy the matcher compares (pure data, no Django).

Codes are GB/T 4754-2017 (国民经济行业分类) divisions written with their
section letter, e.g. ``C38`` 电气机械和器材制造业 in section ``C`` 制造业:
only the sections and divisions the programmes' documents and ledgers touch.
Ledger entries carry a free-text ``field`` (新材料, 生物医药 … the strategic
industries the documents name, or 《国家重点支持的高新技术领域》 for Puyang):
:data:`LABELS` maps those labels to divisions, and :data:`KEYWORDS` maps
words of a title or summary to a division when the label says nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

#: GB/T 4754-2017 sections (门类) used here.
SECTIONS: dict[str, str] = {
    "A": "农、林、牧、渔业",
    "B": "采矿业",
    "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业",
    "G": "交通运输、仓储和邮政业",
    "I": "信息传输、软件和信息技术服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "Q": "卫生和社会工作",
}

#: GB/T 4754-2017 divisions (大类) used here, keyed ``section letter + code``.
DIVISIONS: dict[str, str] = {
    "A01": "农业",
    "A03": "畜牧业",
    "A05": "农、林、牧、渔专业及辅助性活动",
    "B06": "煤炭开采和洗选业",
    "C13": "农副食品加工业",
    "C14": "食品制造业",
    "C25": "石油、煤炭及其他燃料加工业",
    "C26": "化学原料和化学制品制造业",
    "C27": "医药制造业",
    "C29": "橡胶和塑料制品业",
    "C30": "非金属矿物制品业",
    "C31": "黑色金属冶炼和压延加工业",
    "C32": "有色金属冶炼和压延加工业",
    "C33": "金属制品业",
    "C34": "通用设备制造业",
    "C35": "专用设备制造业",
    "C36": "汽车制造业",
    "C37": "铁路、船舶、航空航天和其他运输设备制造业",
    "C38": "电气机械和器材制造业",
    "C39": "计算机、通信和其他电子设备制造业",
    "C40": "仪器仪表制造业",
    "C42": "废弃资源综合利用业",
    "D44": "电力、热力生产和供应业",
    "D46": "水的生产和供应业",
    "E48": "土木工程建筑业",
    "G59": "装卸搬运和仓储业",
    "I65": "软件和信息技术服务业",
    "M73": "研究和试验发展",
    "M74": "专业技术服务业",
    "N77": "生态保护和环境治理业",
    "Q84": "卫生",
}

#: Field labels of the ledgers and reference libraries → divisions (first = main).
LABELS: dict[str, tuple[str, ...]] = {
    # the demo's and the documents' strategic industries
    "新材料": ("C26", "C30", "C32"),
    "生物医药": ("C27",),
    "光电子信息": ("C39",),
    "电子信息": ("C39", "I65"),
    "智能制造": ("C34", "C35"),
    "先进制造与自动化": ("C34", "C35"),
    "新能源": ("C38", "D44"),
    "新能源与节能": ("C38", "D44"),
    "节能环保": ("N77", "C42"),
    "资源与环境": ("N77", "C42"),
    "现代农业": ("A01", "A05"),
    "人工智能": ("I65",),
    "高技术服务": ("M74", "I65"),
    "生物与新医药": ("C27",),
    "航空航天": ("C37",),
    "煤炭": ("B06", "C25"),
    "新能源汽车": ("C36", "C38"),
}

#: Words of a title or summary that name a division (checked on segmented words).
KEYWORDS: dict[str, str] = {
    "锂电池": "C38",
    "电池": "C38",
    "隔膜": "C38",
    "储能": "C38",
    "光伏": "C38",
    "电机": "C38",
    "燃料电池": "C38",
    "芯片": "C39",
    "集成电路": "C39",
    "半导体": "C39",
    "显示": "C39",
    "光纤": "C39",
    "光电": "C39",
    "通信": "C39",
    "传感器": "C40",
    "检测": "C40",
    "仪器": "C40",
    "机器人": "C35",
    "数控": "C34",
    "机床": "C34",
    "零部件": "C34",
    "自动化": "C34",
    "汽车": "C36",
    "药": "C27",
    "药物": "C27",
    "中药": "C27",
    "疫苗": "C27",
    "试剂盒": "C27",
    "医疗": "Q84",
    "软件": "I65",
    "算法": "I65",
    "人工智能": "I65",
    "大数据": "I65",
    "平台": "I65",
    "废水": "N77",
    "污水": "N77",
    "重金属": "N77",
    "环保": "N77",
    "固废": "C42",
    "秸秆": "C42",
    "作物": "A01",
    "育种": "A01",
    "种植": "A01",
    "养殖": "A03",
    "食品": "C14",
    "煤": "B06",
    "煤矿": "B06",
    "焦化": "C25",
    "钢铁": "C31",
    "复合材料": "C30",
    "涂料": "C26",
    "塑料": "C29",
    "桥梁": "E48",
    "仓储": "G59",
}


def section(code: str) -> str:
    """The section letter of a division code (``C38`` → ``C``)."""
    return code[:1]


def classify(label: str, words: Iterable[str] = ()) -> tuple[str, ...]:
    """The divisions of an item: its field label's (a known label, or a label
    that contains one) first, then those its words name; no duplicates, in
    that order."""
    codes: list[str] = []
    label = (label or "").strip()
    if label in LABELS:
        codes += LABELS[label]
    else:
        codes += [c for known, mapped in LABELS.items() if known in label for c in mapped]
        if label in KEYWORDS:
            codes.append(KEYWORDS[label])
    codes += [KEYWORDS[w] for w in words if w in KEYWORDS]
    return tuple(dict.fromkeys(codes))
