#!/usr/bin/env python3
"""生成一个省级规模的虚构应急管理局数据仓库（基准测试用）。
Generate a synthetic, province-scale bureau for the benchmarks.

    python benchmarks/make_registry.py [FOLDER] [--companies 100000] [--inspectors-per-section 40] [--seed 20261201]

Writes FOLDER/data/{bureau,sections,duties,checklist,credit,inspectors}.yaml, FOLDER/data/entities/<行业>.yaml and
FOLDER/plans/ (default FOLDER: benchmarks/out/province, git-ignored). The output is a function of the arguments
only (seeded ``random.Random``; this is test data, not a draw). Everything is fictional.

* The example bureau's own 322 companies are kept (credit.yaml and the plans refer to them), and synthetic ones
  are added until there are ``--companies`` in all, spread over the five specialties.
* Every 统一社会信用代码 is valid: the 9-character organisation code carries its GB 11714 check character and the
  18th character is the GB 32100 check digit (``stdnum.cn.uscc.calc_check_digit``).
* Every schema field is filled, private ones too (legal_rep, phone; inspectors' phone, id_card with a valid
  check digit, conflicts with reasons).
* inspectors.yaml is generated anew: ``--inspectors-per-section`` per section, a few with expired or soon
  expiring 执法证, a few inactive, some with declared conflicts.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import time
from pathlib import Path

import yaml
from stdnum.cn import ric, uscc

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "benchmarks" / "out" / "province"
COPIED = ("bureau.yaml", "sections.yaml", "duties.yaml", "checklist.yaml", "credit.yaml")

#: Share of the registry per specialty (rounded; 安全培训机构 takes the remainder).
SHARES = {"非煤矿山": 0.18, "烟花爆竹": 0.20, "危险化学品": 0.30, "冶金工贸": 0.30, "安全培训机构": 0.02}
SPECIALTIES = tuple(SHARES)

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: no I, O, S, V, Z
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

#: (地市, 县区, 行政区划代码): fictional pairings in the shape of Henan's codes.
CITIES = ("郑州市", "开封市", "洛阳市", "平顶山市", "安阳市", "鹤壁市", "新乡市", "焦作市", "濮阳市", "许昌市",
          "漯河市", "三门峡市", "南阳市", "商丘市", "信阳市", "周口市", "驻马店市")
COUNTIES = ("城区", "东区", "西区", "北区", "新区", "高新区", "县", "东县", "西县", "南县", "北县", "山县")
TOWN_SUFFIX = ("镇", "乡", "街道")
TOWN_WORDS = ("城关", "东关", "西关", "南关", "北关", "杨楼", "陵头", "小屯", "寄料", "临汝", "温泉", "蟒川",
              "夏店", "骑岭", "焦村", "庙下", "纸坊", "大峪", "王寨", "尚庄", "米庙", "钟楼", "风穴", "洗耳",
              "汝南", "煤山", "河西", "桃园", "柳林", "石桥", "马庄", "白庙", "黄营", "高岗", "刘集", "李寨")
ROADS = ("人民路", "建设路", "朝阳路", "东环路", "西环路", "解放路", "工业路", "广成路", "丹阳路", "望嵩路",
         "滨河路", "育才路", "文化路", "胜利路", "和平路", "新华路", "民主路", "光明路", "团结路", "健康路")
TRADE_WORDS = ("宏", "盛", "鑫", "源", "华", "兴", "达", "泰", "恒", "瑞", "隆", "昌", "通", "远", "凯", "邦", "宝",
               "嘉", "振", "康", "顺", "祥", "丰", "利", "安", "宇", "航", "金", "银", "润", "晟", "博", "豪", "裕",
               "永", "长", "天", "正", "德", "信", "诚", "和", "荣", "旺", "峰", "岭", "联", "中", "东", "新")
KINDS = {
    "非煤矿山": ("石料厂", "矿业有限公司", "石英砂厂", "建材有限公司", "采石场", "尾矿库管理站"),
    "烟花爆竹": ("烟花爆竹零售点", "烟花爆竹批发有限公司", "烟花爆竹经营部", "花炮商店"),
    "危险化学品": ("化工有限公司", "加油站", "化工产品经营部", "气体有限公司", "新材料科技有限公司", "燃气有限公司"),
    "冶金工贸": ("铸造有限公司", "木业有限公司", "钢铁有限公司", "机械制造有限公司", "水泥制品有限公司", "粮油有限公司"),
    "安全培训机构": ("安全技术培训中心", "职业培训学校", "安全生产培训有限公司", "应急培训中心"),
}
SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭",
            "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅")
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
         "霞", "平", "刚", "桂英", "建国", "建军", "晓丽", "浩然", "素芳", "燕", "红", "志强", "海燕", "国庆", "春梅")
MOBILE_PREFIXES = ("130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156",
                   "157", "158", "159", "166", "176", "177", "178", "180", "181", "182", "185", "186", "187",
                   "188", "189", "191", "198", "199")
HEADER = (
    "# 监管对象名录库：{specialty}（基准测试用的虚构省级数据，由 benchmarks/make_registry.py 生成）\n"
    "# 本文件中的所有单位、人员、证件号码和联系方式均为虚构，如有雷同纯属巧合。\n"
)


def org_code(rng: random.Random) -> str:
    """A 9-character organisation code with its GB 11714 check character (new-style ``MA`` codes mostly)."""
    if rng.random() < 0.7:
        body = "MA" + "".join(rng.choice(_ALPHABET) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    total = sum(_value(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def _value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def make_uscc(rng: random.Random, region: str) -> str:
    """A 统一社会信用代码: 9 (工商) + 1/2 (企业/个体) + region + organisation code + GB 32100 check digit."""
    stem = "9" + rng.choice("1112") + region + org_code(rng)
    return stem + uscc.calc_check_digit(stem)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def id_card(rng: random.Random) -> str:
    """An 18-digit 居民身份证号码 that ``stdnum.cn.ric.validate`` accepts (birth place valid in the birth year)."""
    while True:
        stem = (rng.choice(("410482", "412533", "410402", "410102")) + f"{rng.randrange(1965, 2000)}"
                f"{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{rng.randrange(1000):03d}")
        number = stem + ric.calc_check_digit(stem)
        if ric.is_valid(number):
            return number


def _quote(text: str) -> str:
    return '"' + text + '"'


def regions(rng: random.Random) -> list[tuple[str, str, str]]:
    """(地市, 县区, 6-digit code) for every fictional county of the province."""
    found = []
    for c, city in enumerate(CITIES, 1):
        for d, county in enumerate(COUNTIES, 2):
            found.append((city, city[:-1] + county if county.endswith("区") else city[:-1] + county, f"41{c:02d}{d:02d}"))
    return found


def entity_record(rng: random.Random, specialty: str, places: list[tuple[str, str, str]], seen: set[str]) -> str:
    city, county, code = rng.choice(places)
    while True:
        uid = make_uscc(rng, code)
        if uid not in seen:
            seen.add(uid)
            break
    town = rng.choice(TOWN_WORDS) + rng.choice(TOWN_SUFFIX)
    name = f"{county}{rng.choice(TRADE_WORDS)}{rng.choice(TRADE_WORDS)}{rng.choice(KINDS[specialty])}"
    address = f"{city}{county}{town}{rng.choice(ROADS)}{rng.randrange(1, 999)}号"
    roll = rng.random()
    status = "在营" if roll < 0.92 else "停业" if roll < 0.95 else "注销" if roll < 0.98 else "吊销"
    lines = [
        f"  - id: {_quote(uid)}",
        f"    name: {name}",
        f"    specialty: {specialty}",
        f"    address: {address}",
        f"    township: {town}",
    ]
    if rng.random() < 0.93:  # a few not yet rated
        lines.append(f"    risk: {rng.choices('ABCD', weights=(1, 3, 5, 2))[0]}")
    if rng.random() < 0.05:
        lines.append("    key: true")
    lines += [
        f"    status: {status}",
        f"    legal_rep: {person(rng)}",
        f"    phone: {_quote(mobile(rng))}",
    ]
    return "\n".join(lines) + "\n"


def example_entities() -> dict[str, list[str]]:
    """The example bureau's companies, re-emitted record by record (ids quoted), per specialty."""
    found: dict[str, list[str]] = {s: [] for s in SPECIALTIES}
    for path in sorted((REPO / "data" / "entities").glob("*.yaml")):
        document = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        for record in document["entities"]:
            lines = []
            for key, value in record.items():
                if isinstance(value, bool):
                    text = "true" if value else "false"
                elif key in ("id", "phone"):
                    text = _quote(str(value))
                else:
                    text = str(value)
                lines.append(("  - " if not lines else "    ") + f"{key}: {text}")
            found[record["specialty"]].append("\n".join(lines) + "\n")
    return found


def targets(total: int) -> dict[str, int]:
    counts = {s: int(total * share) for s, share in SHARES.items()}
    counts["安全培训机构"] += total - sum(counts.values())
    return counts


def write_entities(root: Path, rng: random.Random, total: int) -> dict[str, list[str]]:
    """Write data/entities/*.yaml; returns some operating ids per specialty (for conflicts)."""
    places = regions(rng)
    kept = example_entities()
    seen: set[str] = set()
    sample: dict[str, list[str]] = {}
    folder = root / "data" / "entities"
    folder.mkdir(parents=True, exist_ok=True)
    for specialty, count in targets(total).items():
        records = list(kept[specialty])
        new = [entity_record(rng, specialty, places, seen) for _ in range(max(0, count - len(records)))]
        sample[specialty] = [r.split('"', 2)[1] for r in new[:400] if "status: 在营" in r]
        records += new
        rng.shuffle(records)  # file order must not matter; mix the example's companies in
        text = HEADER.format(specialty=specialty) + "entities:\n" + "".join(records)
        (folder / f"{specialty}.yaml").write_text(text, encoding="utf-8")
    return sample


def write_inspectors(root: Path, rng: random.Random, per_section: int, operating: dict[str, list[str]]) -> int:
    sections = yaml.load((REPO / "data" / "sections.yaml").read_bytes(), Loader=yaml.CSafeLoader)["sections"]
    lines = [
        "# 执法检查人员名录库（基准测试用的虚构省级数据，由 benchmarks/make_registry.py 生成）",
        "# 本文件中的所有人员、证件号码和联系方式均为虚构，如有雷同纯属巧合。",
        "inspectors:",
    ]
    number = 0
    for section in sections:
        lines.append(f"  # {section['name']}")
        for n in range(per_section):
            number += 1
            roll = rng.random()
            if n == 0:
                expires = "2026-06-30"  # expired before the draw date: a warning, not drawn
            elif n == 1:
                expires = "2026-12-20"  # expires soon: a warning, still drawn on 2026-12-01
            else:
                expires = f"{rng.randrange(2027, 2031)}-{rng.choice(('06-30', '12-31', '03-31', '09-30'))}"
            lines += [
                f"  - id: {_quote(f'HN{number:05d}')}",
                f"    name: {person(rng)}",
                f"    section: {section['id']}",
                f"    cert_no: {_quote(f'410000{2020 + number % 6}{number:07d}')}",
                f"    cert_expires: {expires}",
                f"    active: {'false' if n == 2 else 'true'}",
            ]
            if roll < 0.25:
                scope = [e for s in section["specialties"] for e in operating.get(s, [])]
                lines.append("    conflicts:")
                for entity in rng.sample(scope, k=min(len(scope), rng.randrange(1, 4))):
                    lines += [f"      - entity: {_quote(entity)}", f"        reason: {rng.choice(('配偶在该单位任职', '近亲属持股', '曾在该单位工作'))}"]
            lines += [f"    phone: {_quote(mobile(rng))}", f"    id_card: {_quote(id_card(rng))}"]
    (root / "data" / "inspectors.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return number


def generate(root: Path, companies: int, per_section: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    for sub in ("data", "plans"):
        if (root / sub).exists():
            shutil.rmtree(root / sub)
    (root / "data").mkdir(parents=True)
    for name in COPIED:
        shutil.copy2(REPO / "data" / name, root / "data" / name)
    shutil.copytree(REPO / "plans", root / "plans")
    # the plans count as approved only with their plan_approval records (ssj plan approve) in the bureau ledger
    # (format 2: data/ledger/bureau/<year>.jsonl) and the 清单 with its checklist_approval record
    (root / "data" / "ledger").mkdir()
    shutil.copytree(REPO / "data" / "ledger" / "bureau", root / "data" / "ledger" / "bureau")
    operating = write_entities(root, rng, companies)
    inspectors = write_inspectors(root, rng, per_section, operating)
    return {"companies": companies, "inspectors": inspectors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成省级规模的虚构数据仓库 / generate a province-scale bureau")
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--inspectors-per-section", type=int, default=40)
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args(argv)
    if args.inspectors_per_section < 4:
        parser.error("--inspectors-per-section 至少为 4")
    started = time.perf_counter()
    counts = generate(args.folder, args.companies, args.inspectors_per_section, args.seed)
    size = sum(p.stat().st_size for p in (args.folder / "data").rglob("*.yaml"))
    print(f"已生成 {args.folder}：{counts['companies']} 个监管对象，{counts['inspectors']} 名执法人员，"
          f"YAML 共 {size / 1e6:.1f} MB，用时 {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
