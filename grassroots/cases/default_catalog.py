"""The default matter catalog (事项清单) a district starts from, and ``load_default_catalog``.

What is in it
    The top classes a 12345 hotline sorts requests into (城乡建设, 环境保护, 交通运输, 劳动和社会保障,
    教育文体, 卫生健康, 商贸旅游, 公安司法, 民政, 农村农业, 市场监管, 自然资源, 党务政务, 科技与信息产业,
    经济管理, 应急管理), under their current names (卫生健康 was 卫生计生 and 自然资源 国土资源 until
    the 2018 reform; the old names are keywords), plus two classes a grassroots ledger needs and a
    hotline does not: 社区治理 (the community's public affairs) and 生活服务 (a resident's own affairs).
    Below them, second- and some third-level matters chosen for grassroots governance.

Triage class (三事分流, docs/domain.md §3.1)
    Government management and basic public services are 大事 (the hotline classes); the
    community's public affairs — property services, stairwell lights, rubbish collection, parking
    in the estate, neighbours' noise — are 小事; a resident's own affairs (cleaning, appliance
    repairs, errands) are 私事. A few matters inside a 大事 class are 小事 where the community
    leads in practice (home-delivered elderly care, pest control in an estate).

Departments
    By short name (民政, 城管, 住建 …); ``load_default_catalog`` resolves each to the district's
    active department with that ``short_name`` (``aliases`` maps a short name the district lacks
    to one it has). A short name no department carries leaves the category without one (and a
    loaded category's department untouched); the load reports which.

Time limits (working days: response / handling / verification)
    District defaults (``DEFAULT_LIMITS``), in the spirit of common local 12345 rules — sign for
    a request within 1 working day, handle an ordinary request within 15 — and of the three-level
    linkage: a grid has 2 days, the community 5, a street 7 (3 for a 大事, which it only passes
    on), a department 10; the whole case 15 for a 大事, 7 for a 小事 and 5 for a guided 私事.
    Verification (回访核实) 2 days, 3 for department work. Categories override where the matter
    is faster by nature (safety risks: a broken manhole cover, gas, a stuck lift, a landslide —
    1–3 days) or slower by law or process (illegal construction needs a case file: 15/20;
    minimum living allowance needs household means checks and public notice: 15/30). Urgent and
    critical cases get the district's urgency factors on top (``SlaSettings``).

Flags
    ``auto_escalate`` where an overdue stage should go up by itself (safety, utilities, wages
    owed); ``urgent_may_skip`` where an urgent case may jump levels (public safety).

Keywords and examples are resident phrasings, for text suggestions before the ledger has enough
verified triage decisions of its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from grassroots.cases import catalog
from grassroots.cases.choices import TriageClass
from grassroots.cases.models import Category, TimeLimit
from grassroots.core import audit
from grassroots.core.errors import ValidationError
from grassroots.core.models import User
from grassroots.org.models import Department, Unit

MAJOR, COMMUNITY, PRIVATE = TriageClass.MAJOR.value, TriageClass.COMMUNITY.value, TriageClass.PRIVATE.value

Days = tuple[int | str, int | str, int | str]  # response, handling, verification

# (class or "" for any, stage) → days. See the module docstring for the reasoning.
DEFAULT_LIMITS: dict[tuple[str, str], Days] = {
    ("", "case"): (1, 15, 2),
    (MAJOR, "case"): (1, 15, 3),
    (COMMUNITY, "case"): (1, 7, 2),
    (PRIVATE, "case"): (1, 5, 2),
    ("", "grid"): (1, 2, 1),
    ("", "community"): (1, 5, 2),
    ("", "street"): (1, 7, 2),
    (MAJOR, "street"): (1, 3, 2),
    ("", "department"): (1, 10, 3),
}


@dataclass(frozen=True)
class Matter:
    """One category of the default catalog. ``code`` is relative to the parent's (``01`` under
    ``CJ`` is ``CJ-01``); empty ``cls``/``dept`` inherit. ``limits`` maps ``"stage"`` (any class)
    or ``"class:stage"`` to handling days, the response and verification days coming from the
    district default of that stage."""

    code: str
    name: str
    cls: str = ""
    dept: str = ""
    keywords: str = ""
    examples: tuple[str, ...] = ()
    escalate: bool = False
    skip: bool = False
    limits: Mapping[str, int] = field(default_factory=dict)
    children: tuple[Matter, ...] = ()


def M(
    code: str,
    name: str,
    keywords: str = "",
    *examples: str,
    cls: str = "",
    dept: str = "",
    escalate: bool = False,
    skip: bool = False,
    safety: bool = False,
    limits: Mapping[str, int] | None = None,
    children: tuple[Matter, ...] = (),
) -> Matter:
    """A row of the table; ``safety`` (a public-safety matter) sets both flags."""
    return Matter(
        code, name, cls, dept, keywords, examples, escalate or safety, skip or safety, limits or {}, children
    )


# fmt: off
CATALOG: tuple[Matter, ...] = (
    M("CJ", "城乡建设", "城建 住建 市政 房屋", cls=MAJOR, dept="住建", children=(
        M("01", "市政设施", "市政 设施 损坏", dept="城管", children=(
            M("01", "道路破损", "路面 坑洼 塌陷 破损 沉降 坑",
              "小区门口的市政道路塌了一个大坑，晚上骑电动车很危险。",
              "路面坑洼不平，下雨天积水，车开过去溅得行人一身泥。",
              dept="住建", limits={"department": 10, "case": 15}, safety=True),
            M("02", "井盖缺损", "井盖 缺失 破损 松动 下水井",
              "人行道上的井盖不见了，只插了一根树枝，怕有小孩掉下去。",
              limits={"department": 2, "case": 3}, safety=True),
            M("03", "路灯故障", "路灯 不亮 损坏 照明",
              "这条路上一排路灯晚上都不亮，已经一个多星期了。",
              limits={"department": 5, "case": 7}),
            M("04", "人行道与护栏", "人行道 地砖 护栏 盲道 松动",
              "人行道地砖松动，踩上去溅水，老人容易摔倒。"),
        )),
        M("02", "违章搭建", "违建 违章 搭建 加盖 私搭乱建", dept="城管",
          limits={"department": 15, "case": 20}, children=(
            M("01", "楼顶加盖", "楼顶 加盖 阳光房 彩钢房",
              "顶楼住户在楼顶私自加盖彩钢房，压坏了防水层，楼下开始漏水。"),
            M("02", "占用公共空间搭建", "圈占 公共绿地 搭棚 围墙",
              "一楼住户把楼前的公共绿地圈起来搭了棚子当菜园。"),
        )),
        M("03", "房屋安全与住房", "房屋 住房 安全", children=(
            M("01", "危房隐患", "危房 裂缝 墙体 倾斜 墙皮脱落",
              "老宿舍楼外墙出现很长的裂缝，墙皮一块块往下掉。",
              limits={"department": 5, "case": 10}, safety=True),
            M("02", "老旧小区改造", "老旧小区 改造 加装电梯 管网改造",
              "我们小区是上世纪九十年代的老房子，什么时候能纳入老旧小区改造？",
              "想问加装电梯的政策和补贴怎么申请。",
              limits={"department": 15, "case": 20}),
            M("03", "住房保障", "公租房 廉租房 保障房 租赁补贴",
              "申请公租房已经半年了，一直没有消息。"),
        )),
        M("04", "水电气", "水 电 燃气 停水 停电", children=(
            M("01", "停水与水质", "停水 水压 水质 发黄 自来水",
              "整栋楼从昨晚开始停水，也没有提前通知。",
              "自来水放出来发黄，还有一股异味。",
              dept="水务", escalate=True, limits={"department": 2, "case": 3}),
            M("02", "排水管网", "下水道 堵塞 污水 外溢 雨水管",
              "路边下水道堵了，污水漫到人行道上，味道很大。",
              dept="水务", escalate=True),
            M("03", "燃气安全", "燃气 天然气 漏气 燃气味",
              "楼道里有很浓的燃气味，怀疑哪里漏气了。",
              limits={"department": 1, "case": 2}, safety=True),
            M("04", "供电", "停电 电压 电线 跳闸",
              "小区这个月停了好几次电，电压也不稳。",
              escalate=True, limits={"department": 3, "case": 5}),
        )),
        M("05", "园林绿化", "绿化 树木 草坪 公园", dept="城管", children=(
            M("01", "树木修剪", "树木 修剪 遮挡 枯树 树枝",
              "楼前的大树长得太高，挡住低楼层采光，树枝还碰到了电线。"),
            M("02", "绿地损毁", "绿地 践踏 毁绿 种菜",
              "公园的草坪被人挖了种菜。"),
        )),
        M("06", "建筑施工", "工地 施工 建筑", children=(
            M("01", "夜间施工", "夜间施工 打桩 噪音 工地",
              "旁边工地每天晚上十一点以后还在打桩，吵得没法睡觉。"),
            M("02", "工地扬尘", "扬尘 渣土 未覆盖 车辆带泥",
              "工地出入口车辆不冲洗，路上全是泥，扬尘很大。"),
        )),
    )),
    M("HB", "环境保护", "环保 污染 生态环境", cls=MAJOR, dept="环保", children=(
        M("01", "大气污染", "废气 烟尘 异味 空气", children=(
            M("01", "餐饮油烟", "油烟 烧烤 饭店 排烟",
              "楼下烧烤店的油烟直接排到我家窗户，根本没法开窗。", dept="城管"),
            M("02", "工业废气", "工厂 废气 刺鼻 排放",
              "附近的工厂晚上偷偷排气，气味很刺鼻。"),
            M("03", "露天焚烧", "焚烧 秸秆 烧垃圾 冒黑烟",
              "有人在河边空地焚烧垃圾，黑烟很大。"),
        )),
        M("02", "水污染", "污水 排污 河道 水体", children=(
            M("01", "河道污染", "河道 黑臭 漂浮物 死鱼",
              "小河沟发黑发臭，水面上还有死鱼。", dept="水务"),
            M("02", "污水直排", "直排 排污口 洗车污水",
              "洗车店的污水直接排进了雨水管。"),
        )),
        M("03", "噪声污染", "噪声 噪音 分贝", children=(
            M("01", "工业噪声", "工厂 机器 轰鸣",
              "工厂的机器日夜轰鸣，噪声特别大。"),
            M("02", "商业噪声", "喇叭 音响 商铺 招揽",
              "商铺门口的音响从早放到晚，吵得人心烦。", dept="城管"),
        )),
        M("04", "固体废物", "固废 垃圾 倾倒", dept="城管", children=(
            M("01", "建筑垃圾乱倒", "建筑垃圾 渣土 偷倒",
              "有车半夜在路边空地倾倒建筑垃圾。"),
            M("02", "危险废物", "危废 化学品 废机油",
              "汽修厂把废机油倒在路边的排水沟里。", dept="环保", escalate=True),
        )),
        M("05", "生态保护", "生态 滥伐 林地 野生动物",
          "山上有人在乱砍树。", dept="自然资源"),
    )),
    M("JT", "交通运输", "交通 道路 公交 出行", cls=MAJOR, dept="交通", children=(
        M("01", "公共交通", "公交 线路 站点 班次", children=(
            M("01", "公交线路站点", "公交车 站点 班次 线路",
              "希望在小区门口增设一个公交站点。",
              "公交车班次太少，早上要等半个小时。"),
            M("02", "出租车与网约车", "出租车 网约车 拒载 绕路 乱要价",
              "出租车司机拒载，还乱要价。"),
        )),
        M("02", "交通安全设施", "红绿灯 信号灯 标线 减速带", children=(
            M("01", "信号灯与标志标线", "红绿灯 信号灯 标志 标线",
              "路口的红绿灯坏了，车辆乱行很危险。", dept="公安", escalate=True),
            M("02", "减速带与隔离设施", "减速带 隔离栏 护栏",
              "学校门口车速太快，建议装减速带。"),
        )),
        M("03", "道路交通秩序", "违停 占道 拥堵 交警", dept="公安", children=(
            M("01", "占道违停", "乱停 违停 占用人行道 盲道",
              "路边车辆乱停，把人行道和盲道都占了。"),
        )),
        M("04", "农村公路", "村道 通村路 乡道",
          "进村的水泥路多处断裂，农用车过不去。"),
    )),
    M("LS", "劳动和社会保障", "人社 就业 社保 劳动", cls=MAJOR, dept="人社", children=(
        M("01", "就业创业", "就业 招聘 失业 创业", children=(
            M("01", "就业服务", "找工作 招聘 就业指导 失业登记",
              "失业后想找工作，社区有没有招聘信息和就业指导？"),
            M("02", "职业培训", "技能培训 培训补贴 职业技能",
              "想参加政府补贴的技能培训，怎么报名？"),
            M("03", "创业扶持", "创业 担保贷款 创业补贴",
              "想申请创业担保贷款，需要准备什么材料？"),
        )),
        M("02", "劳动关系", "劳动合同 工资 加班 辞退", children=(
            M("01", "拖欠工资", "欠薪 拖欠 工资 农民工 讨薪",
              "在工地干了三个月，老板一直拖着不发工资。",
              limits={"department": 10, "case": 15}, safety=True),
            M("02", "劳动合同纠纷", "劳动合同 辞退 赔偿 仲裁",
              "公司不跟我签劳动合同，现在还无故把我辞退了。"),
        )),
        M("03", "社会保险", "社保 养老保险 缴费 参保", children=(
            M("01", "养老保险", "养老金 退休 领取 待遇",
              "我到了退休年龄，养老金领取手续怎么办？"),
            M("02", "医保", "医保 报销 参保 异地就医 医疗保险",
              "在外地住院，医保异地报销怎么办理？",
              "城乡居民医保怎么缴费？", dept="医保"),
            M("03", "工伤保险", "工伤 认定 伤残鉴定",
              "在单位上班受了伤，单位不给申报工伤。"),
        )),
    )),
    M("JW", "教育文体", "教育 学校 文化 体育", cls=MAJOR, dept="教育", children=(
        M("01", "入学", "入学 招生 学位 划片 转学 报名",
          "孩子今年上小学，按户籍划片到哪个学校？",
          "外来务工人员的子女入学需要哪些材料？",
          limits={"case": 10}),
        M("02", "学校管理", "学校 收费 食堂 校园安全 老师",
          "学校食堂的饭菜质量很差，孩子都不愿意吃。",
          "学校乱收资料费。"),
        M("03", "校外培训", "培训机构 退费 跑路 补课",
          "培训机构关门跑路了，预交的学费退不回来。"),
        M("04", "文化体育", "文化 图书馆 体育场馆 文体活动",
          "区图书馆开放时间太短，下班以后去不了。", dept="文旅"),
    )),
    M("WJ", "卫生健康", "卫生 医疗 卫生计生 计生 健康", cls=MAJOR, dept="卫健", children=(
        M("01", "医疗服务", "医院 看病 医生 卫生服务站", children=(
            M("01", "医院服务", "挂号 服务态度 不在岗 卫生服务站",
              "社区卫生服务站的医生经常不在岗。"),
            M("02", "医疗纠纷", "医疗纠纷 手术 并发症 误诊",
              "在医院做完手术后出现并发症，想讨个说法。"),
        )),
        M("02", "公共卫生", "疫苗 传染病 消杀 病媒", children=(
            M("01", "疫苗接种", "疫苗 接种 预约",
              "孩子打疫苗要预约，系统一直约不上。"),
            M("02", "病媒生物防制", "老鼠 蟑螂 蚊子 消杀",
              "小区里老鼠太多，希望组织一次消杀。", cls=COMMUNITY),
        )),
        M("03", "生育与托育", "生育登记 育儿补贴 独生子女 托育",
          "二孩的生育登记在哪里办理？",
          "独生子女父母奖励怎么申请？"),
    )),
    M("SM", "商贸旅游", "商务 商贸 旅游 市场", cls=MAJOR, dept="商务", children=(
        M("01", "商贸流通", "菜市场 农贸市场 商场 超市",
          "农贸市场的地面脏乱，排水沟也堵了。"),
        M("02", "旅游服务", "景区 导游 强制购物 旅行社",
          "跟团旅游被导游强制购物。", dept="文旅"),
        M("03", "再生资源回收", "废品站 废品收购 回收站",
          "小区旁边的废品站东西堆得到处都是，气味难闻。"),
    )),
    M("GF", "公安司法", "公安 治安 司法 政法", cls=MAJOR, dept="公安", children=(
        M("01", "治安管理", "治安 盗窃 打架 聚众", children=(
            M("01", "治安隐患", "聚众 闹事 醉酒 可疑人员",
              "小区门口晚上经常有人聚众喝酒闹事。", skip=True),
            M("02", "盗窃", "被盗 偷窃 电动车被偷",
              "楼下的电动车被偷了好几辆。"),
        )),
        M("02", "户籍证件", "户口 身份证 迁移 落户 居住证",
          "孩子出生后上户口需要什么材料？",
          "身份证丢了怎么补办？"),
        M("03", "消防安全", "消防通道 灭火器 火灾隐患 消防栓",
          "小区的消防通道被车堵死了，万一着火消防车都进不来。",
          dept="应急", limits={"department": 2, "case": 3}, safety=True),
        M("04", "诈骗防范", "诈骗 电信诈骗 骗子 转账",
          "接到冒充公检法的电话，差点被骗转账。"),
        M("05", "法律服务", "法律援助 公证 人民调解 律师",
          "想申请法律援助，需要什么条件？", dept="司法"),
    )),
    M("MZ", "民政", "民政 救助 养老 社会服务", cls=MAJOR, dept="民政", children=(
        M("01", "社会救助", "救助 困难 低保 特困", children=(
            M("01", "低保救助", "低保 最低生活保障 低保停发",
              "老伴重病，家里收入很低，想申请低保。",
              "我家的低保为什么被停发了？",
              limits={"department": 15, "case": 30}),
            M("02", "特困供养", "特困 五保 孤寡老人",
              "村里无儿无女的孤寡老人能不能纳入特困供养？"),
            M("03", "临时救助", "临时救助 突发困难 急难",
              "家里突发火灾，生活没有着落，能申请临时救助吗？",
              escalate=True, limits={"department": 5, "case": 7}),
        )),
        M("02", "养老服务", "养老 老人 高龄 敬老院", children=(
            M("01", "养老补贴", "高龄补贴 高龄津贴 养老服务补贴",
              "老人满八十岁了，高龄津贴怎么申请？"),
            M("02", "养老机构", "养老院 敬老院 护理",
              "养老院服务不到位，老人身上都长了褥疮。"),
            M("03", "居家养老服务", "助餐 上门服务 日间照料 独居老人",
              "独居老人行动不便，希望社区能提供助餐服务。", cls=COMMUNITY),
        )),
        M("03", "残疾人服务", "残疾 残疾证 两项补贴 无障碍",
          "残疾证到期了，怎么换证？", dept="残联"),
        M("04", "婚姻登记", "结婚登记 离婚登记 婚姻",
          "结婚登记需要提前预约吗？"),
        M("05", "殡葬管理", "殡葬 墓地 乱埋乱葬",
          "有人在山坡上乱埋乱葬。"),
        M("06", "未成年人保护", "留守儿童 困境儿童 无人照管",
          "邻居家的孩子父母都在外地打工，长期没人照管。", skip=True),
    )),
    M("NY", "农村农业", "农业 农村 农民 三农", cls=MAJOR, dept="农业农村", children=(
        M("01", "农业生产", "种子 化肥 农药 病虫害 农资",
          "买到了假种子，玉米的出苗率很低。"),
        M("02", "惠农补贴", "补贴 耕地地力 农机补贴",
          "今年的耕地地力保护补贴怎么还没发？"),
        M("03", "土地承包", "承包地 土地流转 流转费",
          "村里把我家的承包地流转出去了，流转费一直没给。"),
        M("04", "农村人居环境", "厕所改造 村容村貌 农村污水",
          "改厕以后化粪池满了，没人来抽。"),
        M("05", "动物防疫", "病死猪 防疫 畜禽 疫病",
          "有人把病死猪扔进了河里。", safety=True),
    )),
    M("SJ", "市场监管", "市场监管 消费 食品 价格 工商", cls=MAJOR, dept="市场监管", children=(
        M("01", "食品安全", "食品 过期 变质 食物中毒 小作坊",
          "在小饭馆吃完饭后全家拉肚子。",
          "超市在卖过期的牛奶。",
          limits={"department": 5, "case": 7}, safety=True),
        M("02", "消费维权", "消费 退款 投诉 商家", children=(
            M("01", "预付卡退费", "预付卡 办卡 跑路 退费",
              "健身房办的卡，店关门了钱退不回来。"),
            M("02", "虚假宣传", "虚假宣传 保健品 忽悠老人",
              "保健品店忽悠老人买高价保健品。"),
        )),
        M("03", "价格监管", "价格 乱收费 哄抬 明码标价",
          "停车场收费标准没有公示，乱收费。"),
        M("04", "无证经营", "无照 无证 黑作坊 无证经营",
          "居民楼里有个黑作坊在加工食品。"),
        M("05", "特种设备", "电梯 锅炉 特种设备", children=(
            M("01", "电梯故障", "电梯 困人 停运 故障 维保",
              "电梯又坏了，上个月已经困过两次人。",
              "电梯停运一个星期了，楼上的老人下不了楼。",
              limits={"department": 2, "case": 3}, safety=True),
        )),
    )),
    M("ZY", "自然资源", "国土资源 国土 土地 规划 自然资源", cls=MAJOR, dept="自然资源", children=(
        M("01", "违法用地", "违法占地 占用耕地 基本农田",
          "有人在基本农田上建厂房。"),
        M("02", "不动产登记", "房产证 不动产 登记 产权",
          "买的商品房交房三年了，还办不了房产证。"),
        M("03", "地质灾害", "滑坡 泥石流 塌方 山体裂缝",
          "村后山坡出现了裂缝，下雨后有石头滚落。",
          limits={"department": 1, "case": 2}, safety=True),
        M("04", "矿产资源", "私挖 乱采 盗采 采砂",
          "有人晚上在河道里私自采砂。"),
    )),
    M("ZW", "党务政务", "政府管理 政务 党务 作风", cls=MAJOR, children=(
        M("01", "政务服务", "办事 窗口 材料 跑腿 审批",
          "去窗口办事来回跑了好几趟，每次都说材料不全。"),
        M("02", "政策咨询", "政策 咨询 怎么办理 条件",
          "想咨询一下最新的购房补贴政策。", limits={"case": 5}),
        M("03", "工作作风", "推诿 态度 不作为 乱作为",
          "工作人员态度很差，问事情爱答不理。"),
        M("04", "党员管理", "党员 组织关系 党费 转接",
          "党组织关系转接需要什么手续？"),
        M("05", "意见建议", "建议 意见 希望",
          "建议在小区附近建一个公共停车场。"),
    )),
    M("KJ", "科技与信息产业", "科技 通信 网络 信息", cls=MAJOR, dept="工信", children=(
        M("01", "通信网络", "信号 宽带 网络 基站",
          "小区里手机信号很差，打电话经常断线。"),
        M("02", "个人信息保护", "骚扰电话 个人信息 泄露",
          "个人信息被泄露了，每天接到很多骚扰电话。"),
        M("03", "科技服务", "科技项目 高新技术 科技补贴",
          "科技型中小企业的补贴怎么申报？"),
    )),
    M("JJ", "经济管理", "经济 企业 营商 金融 财税", cls=MAJOR, dept="发改", children=(
        M("01", "营商环境", "企业 审批 营商环境 涉企",
          "企业办理施工许可，审批时间太长。"),
        M("02", "金融风险", "非法集资 高息理财 套路贷",
          "小区里有人推销高息理财产品，像是非法集资。", dept="公安"),
        M("03", "财税政策", "发票 税费 减免",
          "个体户的税费减免政策怎么享受？"),
    )),
    M("YJ", "应急管理", "应急 安全生产 灾害 安全隐患", cls=MAJOR, dept="应急", children=(
        M("01", "安全生产", "安全隐患 生产安全 事故 违规作业",
          "小作坊里堆着大量易燃物，员工还住在里面。",
          limits={"department": 3, "case": 5}, safety=True),
        M("02", "防汛抗旱", "积水 内涝 防汛 干旱 进水",
          "暴雨过后地下车库进水了。", safety=True),
        M("03", "危险化学品", "危化品 液化气 储存 易燃易爆",
          "居民楼底商违规存放了大量液化气罐。", safety=True),
        M("04", "应急避难", "避难场所 应急物资 疏散",
          "小区附近的应急避难场所在哪里？"),
    )),
    M("SQ", "社区治理", "社区 小区 居委会 物业", cls=COMMUNITY, dept="民政", children=(
        M("01", "社区物业", "物业 物业服务 物业公司", dept="住建", children=(
            M("01", "物业服务", "物业 保安 保洁 不作为",
              "物业公司只收钱不干活，楼道好几个月没人打扫。"),
            M("02", "楼道照明", "楼道灯 感应灯 照明 灯坏了",
              "3单元的楼道灯坏了，晚上上下楼看不见。",
              "楼道感应灯不灵，老人摸黑上楼摔了一跤。",
              limits={"grid": 2, "community": 3, "case": 5}),
            M("03", "房屋漏水", "漏水 渗水 防水 顶楼 天花板",
              "楼上卫生间漏水渗到我家天花板，楼上住户不配合维修。",
              "顶楼防水层老化，一下雨家里就漏水。",
              limits={"community": 7, "case": 10}),
            M("04", "公共设施维修", "单元门 门禁 信报箱 扶手 楼梯",
              "单元门的门禁坏了，陌生人随便进出。"),
            M("05", "物业费与维修资金", "物业费 维修基金 业主大会 业委会",
              "物业费涨价没有经过业主大会。"),
        )),
        M("02", "环境卫生", "卫生 垃圾 脏乱 清扫", dept="城管", children=(
            M("01", "垃圾清运", "垃圾 清运 垃圾桶 满溢 臭味",
              "垃圾桶满了好几天没人清运，臭味很大。",
              limits={"grid": 1, "community": 2, "case": 3}),
            M("02", "楼道堆物", "堆物 杂物 占用楼道 纸箱",
              "邻居在楼道里堆满纸箱杂物，堵了通道，也有火灾隐患。",
              limits={"community": 3}),
            M("03", "小广告", "小广告 乱贴 乱涂 牛皮癣",
              "楼道墙上贴满了开锁、通下水道的小广告。"),
        )),
        M("03", "停车管理", "停车 车位 乱停 充电", dept="公安", children=(
            M("01", "小区停车", "车位 乱停乱放 外来车辆 堵车",
              "小区里车辆乱停乱放，消防车都进不来。"),
            M("02", "电动车充电", "电动车 充电 飞线 充电桩",
              "有人从楼上拉电线下来给电动车充电，太危险了。",
              "希望小区增设电动车充电桩。", dept="应急", escalate=True),
        )),
        M("04", "邻里纠纷", "邻里 纠纷 矛盾 调解", dept="司法", children=(
            M("01", "噪音扰民", "噪音 吵闹 装修 广场舞 半夜",
              "楼上每天半夜拖椅子、跳绳，吵得睡不着。",
              "广场舞音响声音太大，晚上十点还在跳。",
              limits={"community": 3, "case": 5}),
            M("02", "相邻关系", "采光 通行 排水 围墙 公共通道",
              "邻居装修时把公共通道砌墙堵了。"),
        )),
        M("05", "文明养犬", "养犬 遛狗 不拴绳 狗咬人",
          "小区里遛狗不拴绳，孩子被狗追着跑。", dept="公安"),
        M("06", "公共设施", "健身器材 座椅 凉亭 路面积水",
          "小区的健身器材坏了很久没人修，存在安全隐患。"),
        M("07", "社区服务", "居住证明 便民服务 社区活动",
          "想开一份居住证明，社区什么时间办理？",
          "希望社区多组织一些老年人活动。"),
    )),
    M("SH", "生活服务", "生活 家庭 个人 上门", cls=PRIVATE, children=(
        M("01", "家政保洁", "保洁 打扫 家政 保姆",
          "家里老人想请人定期上门打扫卫生，社区能不能帮忙联系？"),
        M("02", "家电维修", "家电 维修 空调 热水器 洗衣机",
          "家里热水器坏了，想找个靠谱的维修师傅。"),
        M("03", "户内维修", "水管 户内漏水 疏通 换锁",
          "家里厨房下水道堵了，自己弄不通。"),
        M("04", "代办跑腿", "代买 代办 跑腿 取药",
          "老人腿脚不便，想请人帮忙去医院取药。"),
        M("05", "家庭矛盾", "家庭 婆媳 赡养 子女",
          "子女不赡养老人，老人想找人评评理。"),
        M("06", "个人法律咨询", "借款 合同 继承 起诉",
          "朋友借钱不还，想咨询怎么起诉。"),
    )),
)
# fmt: on


# -- walking the tree ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A matter with its full code, parent code and class (its own or inherited), in tree order."""

    matter: Matter
    code: str
    parent_code: str
    level: int
    sort_order: int
    effective_class: str


def entries(matters: tuple[Matter, ...] = CATALOG) -> Iterator[Entry]:
    def walk(items: tuple[Matter, ...], parent: str, level: int, inherited: str) -> Iterator[Entry]:
        for index, matter in enumerate(items, start=1):
            code = f"{parent}-{matter.code}" if parent else matter.code
            cls = matter.cls or inherited
            yield Entry(matter, code, parent, level, index * 10, cls)
            yield from walk(matter.children, code, level + 1, cls)

    return walk(matters, "", 1, "")


def limit_rows(entry: Entry | None) -> dict[tuple[str, str], tuple[Decimal, Decimal, Decimal]]:
    """The time-limit rows a matter (or, for ``None``, the district default) ships with; a matter's
    response and verification days are the district default's for its class and stage."""
    if entry is None:
        return {key: _decimal(days) for key, days in DEFAULT_LIMITS.items()}
    rows = {}
    for key, handling in entry.matter.limits.items():
        triage_class, _sep, stage = key.rpartition(":")
        base = (
            DEFAULT_LIMITS.get((triage_class or entry.effective_class, stage)) or DEFAULT_LIMITS[("", stage)]
        )
        rows[(triage_class, stage)] = _decimal((base[0], handling, base[2]))
    return rows


def _decimal(days: Days) -> tuple[Decimal, Decimal, Decimal]:
    response, handling, verification = (Decimal(str(d)) for d in days)
    return response, handling, verification


def short_names() -> set[str]:
    return {entry.matter.dept for entry in entries() if entry.matter.dept}


# -- loading ------------------------------------------------------------------------------------------


@dataclass
class CatalogLoad:
    """What ``load_default_catalog`` did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    limits_written: int = 0
    limits_removed: int = 0
    # short name → how many categories name it while the district has no such department
    missing_departments: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
            "limits_written": self.limits_written,
            "limits_removed": self.limits_removed,
            "missing_departments": dict(sorted(self.missing_departments.items())),
        }


def departments_by_short_name(
    district: Unit, aliases: Mapping[str, str] | None = None
) -> dict[str, Department]:
    """The district's active departments by short name (the first by code when two share one),
    with ``aliases`` (short name → short name the district has) added."""
    found: dict[str, Department] = {}
    for department in Department.objects.filter(district=district, is_active=True).order_by("code"):
        if department.short_name:
            found.setdefault(department.short_name, department)
    for alias, target in (aliases or {}).items():
        if alias not in found and target in found:
            found[alias] = found[target]
    return found


@transaction.atomic
def load_default_catalog(
    district: Unit,
    *,
    actor: User | None,
    replace: bool = False,
    aliases: Mapping[str, str] | None = None,
) -> CatalogLoad:
    """Load the default catalog into ``district`` through the catalog actions (permission-checked
    unless ``actor`` is None, the system; audited). Idempotent: a category whose code exists is
    updated to the shipped values (its active flag left alone), a missing one created, and the
    shipped time-limit rows set; loading again changes nothing. With ``replace`` the catalog
    becomes exactly the default one: shipped categories are reactivated, every other category of
    the district is deactivated, and time-limit rows the defaults do not ship are removed."""
    report = CatalogLoad()
    departments = departments_by_short_name(district, aliases)
    existing = {c.code: c for c in Category.objects.filter(district=district).select_related("parent")}
    limits = {
        (row.category_id, row.triage_class, row.stage): row
        for row in TimeLimit.objects.filter(district=district)
    }
    loaded: dict[str, Category] = {}
    wanted_limits: set[tuple[int | None, str, str]] = set()

    def write_limits(category: Category | None, rows: Mapping[tuple[str, str], tuple[Decimal, ...]]) -> None:
        for (triage_class, stage), (response, handling, verification) in rows.items():
            key = (category.pk if category else None, triage_class, stage)
            wanted_limits.add(key)
            row = limits.get(key)
            if row is not None and (row.response_days, row.handling_days, row.verification_days) == (
                response,
                handling,
                verification,
            ):
                continue
            catalog.set_time_limit(
                actor=actor,
                district=district,
                category=category,
                triage_class=triage_class,
                stage=stage,
                response_days=response,
                handling_days=handling,
                verification_days=verification,
            )
            report.limits_written += 1

    write_limits(None, limit_rows(None))
    for entry in entries():
        matter = entry.matter
        department = departments.get(matter.dept) if matter.dept else None
        if matter.dept and department is None:
            report.missing_departments[matter.dept] += 1
        fields: dict[str, Any] = {
            "code": entry.code,
            "name": matter.name,
            "parent": loaded[entry.parent_code] if entry.parent_code else None,
            "default_class": matter.cls,
            "keywords": matter.keywords,
            "examples": matter.examples,
            "auto_escalate": matter.escalate,
            "urgent_may_skip": matter.skip,
            "sort_order": entry.sort_order,
        }
        if department is not None or not matter.dept:
            fields["department"] = department
        category = existing.get(entry.code)
        try:
            if category is None:
                category = catalog.create_category(actor=actor, district=district, **fields)
                report.created += 1
            else:
                if replace:
                    fields["is_active"] = True
                before = audit.snapshot(category, catalog.CATEGORY_FIELDS)
                category = catalog.update_category(actor=actor, category=category, **fields)
                changed = audit.snapshot(category, catalog.CATEGORY_FIELDS) != before
                report.updated += changed
                report.unchanged += not changed
        except ValidationError as exc:
            messages = [f"{key}: {m}" for key, ms in exc.message_dict.items() for m in ms]
            raise ValidationError({entry.code: messages}) from None
        loaded[entry.code] = category
        write_limits(category, limit_rows(entry))
    if replace:
        for code, category in existing.items():
            if code not in loaded and category.is_active:
                category.refresh_from_db()
                if category.is_active:
                    catalog.deactivate_category(actor=actor, category=category)
                    report.deactivated += 1
        shipped = {pk for pk, _c, _s in wanted_limits} | {c.pk for c in loaded.values()}
        for key, row in limits.items():
            if key not in wanted_limits and (row.category_id is None or row.category_id in shipped):
                catalog.remove_time_limit(actor=actor, limit=row)
                report.limits_removed += 1
    return report


def check() -> list[str]:
    """Problems in the shipped data (used by the tests): codes, classes, levels, limits."""
    problems = []
    seen: set[str] = set()
    for entry in entries():
        if entry.code in seen:
            problems.append(f"duplicate code {entry.code}")
        seen.add(entry.code)
        if entry.level > catalog.MAX_LEVEL:
            problems.append(f"{entry.code} is deeper than three levels")
        if entry.matter.cls not in ("", *TriageClass.values):
            problems.append(f"{entry.code} has an unknown class")
        for key in entry.matter.limits:
            if key.rpartition(":")[2] not in ("grid", "community", "street", "department", "case"):
                problems.append(f"{entry.code} has an unknown stage {key}")
    return problems
