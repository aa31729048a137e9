"""A generated corpus of junk and good mail, English and Chinese, for the junk filter's tests and
its precision/recall benchmark (bench/junk_bench.py). Written from templates here, not copied from
any corpus: deterministic for a seed, with the variety that makes filtering hard: newsletters
that say "unsubscribe" and "offer", colleagues who forward invoices (发票), spam in plain words,
GB2312 and UTF-8, base64 and quoted-printable, HTML and plain text, mailers and Received hops.
"""

from __future__ import annotations

import base64
import quopri
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

_SPAM_EN_SUBJECTS = (
    "You have been selected for a {amount} reward", "Final notice: claim your prize now",
    "Cheap meds without prescription", "Re: your account will be suspended", "Earn {amount} a week from home",
    "Limited offer: {percent}% off replica watches", "Your parcel could not be delivered",
    "Congratulations winner!!!", "Lose 10 kg in two weeks", "Investment opportunity with guaranteed returns",
    "URGENT: verify your password", "Hot singles in your area", "Unclaimed funds in your name",
)
_SPAM_EN_LINES = (
    "Click here to claim your {amount} reward before it expires.", "This is a limited time offer, act now!",
    "No prescription needed, discreet shipping worldwide.", "Verify your account within 24 hours or it will be closed.",
    "Work from home and earn {amount} every week, no experience required.",
    "You are our lucky winner, reply with your bank details.", "100% guaranteed, risk free, money back.",
    "Best prices on replica watches and designer bags.", "Your parcel is waiting, pay the customs fee of $1.99.",
    "Dear friend, I am a barrister with an inheritance of {amount} for you.",
    "Buy now and get {percent}% off, free shipping.", "Unsubscribe from this list by replying REMOVE.",
    "Enlarge your portfolio with crypto trading signals.", "Meet attractive singles tonight.",
    "Hi dear, I saw your profile and would like to know you more, write to me.",
    "Please see the attached invoice {number} and confirm the payment today.",
    "Your mailbox is full, sign in at the link below to keep receiving mail.",
)
_HAM_EN_SUBJECTS = (
    "Meeting notes for {day}", "Re: draft of the quarterly report", "Lunch on {day}?",
    "Invoice {number} from the print shop",
    "Your order {number} has shipped", "Weekly newsletter: {topic}", "Photos from the weekend",
    "Re: question about the {topic} project", "Flight itinerary for {day}", "Code review: fix {topic} parser",
    "Reminder: dentist appointment", "Minutes of the {topic} committee", "Offer letter and next steps",
)
_HAM_EN_LINES = (
    "Attached are the notes from our meeting on {day}; please add anything I missed.",
    "Can we move the review to {day} afternoon? The draft needs one more pass.",
    "Thanks for the photos, the kids loved the lake.",
    "The build failed on the {topic} tests again, I will look at it.",
    "Your order has shipped and should arrive by {day}. Track it in your account.",
    "In this week's issue: {topic}, a new release, and upcoming events. Unsubscribe at any time.",
    "Please find the invoice {number} attached, payment within 30 days.", "Are you free for lunch on {day}?",
    "I pushed a fix for the {topic} parser, could you review it?", "The committee agreed to the budget for {topic}.",
    "We are pleased to offer you the position; the contract is attached.", "See you at the station at six.",
    "Let me know if the numbers in the spreadsheet look right to you.",
    "Our winter sale starts {day}: {percent}% off everything in the shop, for members only.",
    "Your monthly statement is ready; sign in to your account to view it.",
    "Reset your password with the link below; it expires in 24 hours. If you did not ask, ignore this mail.",
)
_SPAM_ZH_SUBJECTS = (
    "代开各类发票", "恭喜您中奖{amount}元", "低价代办信用卡", "【重要通知】您的账户存在异常",
    "日赚{amount}元，在家轻松兼职",
    "高仿名表特价{percent}折", "澳门首家线上赌场，注册送彩金", "专业刷单，佣金日结", "贷款秒批，无需抵押",
    "您的快递因地址不详被退回", "限时优惠：减肥产品买一送一", "股票内幕消息，稳赚不赔",
)
_SPAM_ZH_LINES = (
    "本公司常年代开增值税发票，点数优惠，欢迎来电咨询。", "恭喜您被抽中幸运大奖，请点击链接领取奖金。",
    "在家兼职，日赚{amount}元，无需经验，手机即可操作。", "您的账户存在安全风险，请立即登录验证身份。",
    "高仿名表一比一复刻，全国包邮，货到付款。", "注册即送{amount}元彩金，提现秒到账。",
    "无需抵押，无需担保，当天放款。",
    "加微信了解详情，名额有限，先到先得。", "内幕消息，稳赚不赔，带你翻倍。", "如不想再收到此类邮件，请回复退订。",
    "专业团队，诚信经营，欢迎合作。", "快递因地址不详被退回，请补缴运费。",
    "你好，我是你的老同学，换了新号码，加我微信聊。", "附件是本月的发票，请今天确认付款。",
    "您的邮箱容量已满，请点击下方链接登录验证。",
)
_HAM_ZH_SUBJECTS = (
    "关于下周会议的安排", "回复：季度报告初稿", "{day}一起吃午饭吗？", "发票已收到，谢谢", "订单{number}已发货",
    "项目进度周报", "周末的照片", "回复：{topic}项目的问题", "出差行程确认", "财务部：请于月底前提交报销单",
    "部门聚餐通知", "合同修改意见",
)
_HAM_ZH_LINES = (
    "附件是上次会议的纪要，请大家补充遗漏的内容。", "报告初稿我看过了，第三部分的数据需要再核对一下。",
    "你寄来的发票已经收到，财务那边下周付款。", "{day}中午有空一起吃饭吗？", "您的订单已发货，预计{day}送达。",
    "本周完成了{topic}模块的开发，下周开始测试。", "周末的照片已经上传到相册，孩子们玩得很开心。",
    "请各位同事在月底前把报销单和发票交到财务部。", "合同第五条需要修改，我已经在文档里做了批注。",
    "出差的机票和酒店都订好了，行程单见附件。", "部门聚餐定在周五晚上六点，地点在公司楼下。",
    "代码已经合并，麻烦你再检查一下{topic}的测试。",
    "双十一大促：全场{percent}折，会员专享，详情见官网。", "您的信用卡账单已出，请登录网上银行查看。",
    "验证码：{number}，5分钟内有效，请勿告诉他人。",
)
_TOPICS = ("search", "billing", "mobile", "release", "budget", "garden", "history", "network", "数据", "财务")
_DAYS = ("Monday", "Tuesday", "Thursday", "Friday", "周一", "周三", "周五")
#: Words that say nothing either way, which spammers pad their mail with to dilute the telling ones
#: ("hash busting"), and which people write too.
_NEUTRAL_EN = ("river", "table", "window", "garden", "yellow", "morning", "paper", "travel", "music", "coffee",
               "winter", "little", "bridge", "number", "people", "between", "always", "letter", "simple", "nothing")
_NEUTRAL_ZH = ("今天", "天气", "不错", "我们", "一起", "然后", "已经", "还是", "时候", "朋友", "工作", "地方", "觉得",
               "问题", "现在", "知道")
_SPAM_DOMAINS = ("promo-deals.biz", "win-prize.top", "cheap-meds.ru", "secure-verify.info", "bonus88.cc",
                 "mail.fapiao-dk.cn", "ad.yingxiao.net", "lucky-draw.xyz", "kuaidi-tuihui.com", "newsletter-blast.co")
_HAM_DOMAINS = ("example.com", "university.edu", "qq.com", "163.com", "company.cn", "github.com", "shop.example.org",
                "printshop.example.net", "airline.example.com", "126.com")
_SPAM_MAILERS = ("Microsoft Outlook Express 6.00.2600.0000", "The Bat! (v3.5) Professional", "PHPMailer 5.2.1",
                 "Foxmail 6, 10, 201, 20 [cn]", "")
_HAM_MAILERS = ("Thunderbird 115.0", "Apple Mail (2.3731)", "Foxmail 7.2.25.228[cn]", "Microsoft Outlook 16.0",
                "", "git-send-email 2.43")
_SPAM_HOPS = ("from unknown (HELO user-pc) (203.0.113.{n})", "from dsl-{n}.dynamic.example-isp.net ([198.51.100.{n}])",
              "from mx{n}.bulk-sender.top ([192.0.2.{n}])")
_HAM_HOPS = ("from mail.{domain} (mail.{domain} [10.0.0.{n}])", "from smtp.{domain} (smtp.{domain} [172.16.0.{n}])")


@dataclass(frozen=True)
class CorpusMessage:
    raw: bytes
    junk: bool
    chinese: bool


def _fill(rng: random.Random, text: str) -> str:
    return text.format(amount=rng.choice(("$5,000", "$1,000,000", "8888", "50000", "€2,500")),
                       percent=rng.choice((10, 30, 50, 70, 90)), day=rng.choice(_DAYS),
                       topic=rng.choice(_TOPICS), number=rng.randrange(10_000, 99_999))


def _encode_subject(subject: str, charset: str) -> str:
    if subject.isascii():
        return subject
    return f"=?{charset}?B?{base64.b64encode(subject.encode(charset, 'replace')).decode()}?="


def _choices(items: tuple[str, ...], held_out: bool) -> tuple[str, ...]:
    """Every fourth template is kept for held-out sets: a test set then holds phrasings the
    filter was never trained on, as new mail does."""
    return items if held_out else tuple(item for number, item in enumerate(items) if number % 4 != 3)


def _broken_up(line: str, rng: random.Random) -> str:
    """A spammer's trick against word filters: CJK characters spaced or dotted apart."""
    separator = rng.choice((" ", ".", "*"))
    return separator.join(line)


def make_message(rng: random.Random, junk: bool, chinese: bool, index: int, held_out: bool = False) -> CorpusMessage:
    """One message of the kind asked for."""
    subjects, lines = ((_SPAM_ZH_SUBJECTS, _SPAM_ZH_LINES) if chinese else (_SPAM_EN_SUBJECTS, _SPAM_EN_LINES)) \
        if junk else ((_HAM_ZH_SUBJECTS, _HAM_ZH_LINES) if chinese else (_HAM_EN_SUBJECTS, _HAM_EN_LINES))
    subjects, lines = _choices(subjects, held_out), _choices(lines, held_out)
    # A few lines of the other kind and of the other language: real mail is mixed.
    body_lines = [_fill(rng, rng.choice(lines)) for _ in range(rng.randint(1, 5))]
    if rng.random() < 0.25:
        other = ((_HAM_ZH_LINES if chinese else _HAM_EN_LINES) if junk
                 else (_SPAM_ZH_LINES if chinese else _SPAM_EN_LINES))
        body_lines.insert(rng.randrange(len(body_lines) + 1), _fill(rng, rng.choice(_choices(other, held_out))))
    if rng.random() < (0.35 if junk else 0.2):
        neutral = _NEUTRAL_ZH if chinese else _NEUTRAL_EN
        body_lines.append((" " if not chinese else "").join(rng.choices(neutral, k=rng.randint(5, 15))))
    if junk and chinese and rng.random() < 0.2:
        body_lines[0] = _broken_up(body_lines[0], rng)
    subject = _fill(rng, rng.choice(subjects))
    domain = rng.choice(_SPAM_DOMAINS if junk else _HAM_DOMAINS)
    # Spammers also send from big free mail providers: the domain alone must not decide.
    if junk and rng.random() < 0.3:
        domain = rng.choice(("qq.com", "163.com", "gmail.com"))
    local = rng.choice(("info", "service", "news", "admin", "li.ming", "zhang.wei", "alice", "bob", "carol", "noreply"))
    names = (("客服中心", "财务", "中奖通知", "Promo Team", "") if junk
             else ("张伟", "李娜", "Alice Smith", "Bob Lee", "王芳"))
    name = rng.choice(names)
    charset = "gb2312" if chinese and rng.random() < 0.5 else "utf-8"
    link_host = rng.choice(_SPAM_DOMAINS) if junk else rng.choice(_HAM_DOMAINS)
    if rng.random() < (0.8 if junk else 0.3):
        body_lines.append(f"https://{link_host}/{'claim' if junk else 'view'}?id={rng.randrange(10**6)}")
    html = rng.random() < (0.6 if junk else 0.3)
    text = "\n".join(body_lines)
    if html:
        body = "<html><body>" + "".join(f"<p>{line}</p>" for line in body_lines) + "</body></html>"
        content_type = f"text/html; charset={charset}"
    else:
        body = text
        content_type = f"text/plain; charset={charset}"
    if charset == "gb2312" or rng.random() < 0.5:
        encoding, payload = "base64", base64.encodebytes(body.encode(charset, "replace")).decode("ascii")
    else:
        encoding, payload = "quoted-printable", quopri.encodestring(body.encode(charset, "replace")).decode("ascii")
    date = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=index * 37)
    hop = rng.choice(_SPAM_HOPS if junk else _HAM_HOPS).format(n=rng.randrange(1, 250), domain=domain)
    display = _encode_subject(name, charset)
    headers = [
        f"Received: {hop}\r\n\tby mx.poplark.test with ESMTP id {rng.randrange(10**8)}",
        f"From: {display + ' ' if display else ''}<{local}@{domain}>",
        "To: me@poplark.test",
        f"Subject: {_encode_subject(subject, charset)}",
        f"Date: {format_datetime(date)}",
        f"Message-ID: <{index}.{rng.randrange(10**9)}@{domain}>",
        "MIME-Version: 1.0",
        f"Content-Type: {content_type}",
        f"Content-Transfer-Encoding: {encoding}",
    ]
    mailer = rng.choice(_SPAM_MAILERS if junk else _HAM_MAILERS)
    if mailer:
        headers.append(f"X-Mailer: {mailer}")
    body_octets = payload.replace("\n", "\r\n")
    if not body_octets.endswith("\r\n"):
        body_octets += "\r\n"  # as a server hands it over: every line ends in CRLF
    raw = ("\r\n".join(headers) + "\r\n\r\n" + body_octets).encode("ascii")
    return CorpusMessage(raw, junk, chinese)


def corpus(count: int, seed: int, *, junk_share: float = 0.5, chinese_share: float = 0.5,
           held_out: bool = False) -> list[CorpusMessage]:
    """``count`` messages, a ``junk_share`` of them junk, a ``chinese_share`` in Chinese; with
    ``held_out``, also in phrasings a corpus without it never has."""
    rng = random.Random(seed)
    return [make_message(rng, rng.random() < junk_share, rng.random() < chinese_share, index, held_out)
            for index in range(count)]
