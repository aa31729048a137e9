"""A generated corpus for the filter-rule tests: English and Chinese mail, encoded as senders
really do (RFC 2047 in UTF-8 and GB2312, raw UTF-8 headers, base64 bodies, HTML only, an
attachment), with the rules of a Foxmail user and the result each message must end with."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from app.core.model import Account
from app.core.rules.model import Action, ActionKind, Condition, Field, Operator, Rule
from app.core.store import Store


def _b64_word(text: str, charset: str = "utf-8") -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode()}?="


def message(subject_header: str, *, sender: str = "someone@example.com", to: str = "me@example.com",
            body: bytes = b"Hello.\r\n", date: str = "Tue, 01 Dec 2026 10:00:00 +0800", extra: str = "",
            content_type: str = "text/plain; charset=utf-8", transfer: str = "8bit") -> bytes:
    head = (f"From: {sender}\r\nTo: {to}\r\nSubject: {subject_header}\r\nDate: {date}\r\n{extra}"
            f"MIME-Version: 1.0\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: {transfer}\r\n\r\n")
    return head.encode("utf-8") + body


def _attachment_message() -> bytes:
    return (b"From: Partner <ops@partner.example>\r\nTo: me@example.com\r\nSubject: Contract\r\n"
            b"Date: Tue, 01 Dec 2026 10:00:00 +0800\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\n"
            b"See the file.\r\n--XX\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; "
            b"filename=contract.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--XX--\r\n")


#: uidl -> raw message
CORPUS: dict[str, bytes] = {
    # 发票 inside 增值税发票, in a UTF-8 encoded word.
    "invoice-utf8": message(_b64_word("增值税发票 2026年11月"), sender="财务部 <finance@vendor.cn>"),
    # The same word in a GB2312 encoded word (a Foxmail habit), from the boss: "stop" keeps the boss rule away.
    "invoice-gb": message(_b64_word("请查收发票", "gb2312"), sender="boss@example.com"),
    # 发票 only in the body, base64 in GB18030.
    "invoice-body": message("Monthly statement",
                            body=base64.b64encode("附件是本月的電子發票和发票清单".encode("gb18030")) + b"\r\n",
                            content_type="text/plain; charset=gb18030", transfer="base64"),
    "boss": message("Quarterly plan", sender="The Boss <BOSS@Example.com>"),
    "list": message("[dev] release 2.0", sender="dev-list@lists.example.org",
                    extra="List-Id: Developers <dev.lists.example.org>\r\n"),
    # Full-width letters in the subject (a Chinese input method's habit).
    "urgent": message("ＵＲＧＥＮＴ：服务器宕机", sender="ops@example.com"),
    "order": message("Your ORDER  #12345 has shipped", sender="shop@store.example"),
    "order-no-number": message("Your order has shipped", sender="shop@store.example"),
    "old": message("Ancient history", date="Mon, 01 Jan 2018 10:00:00 +0000"),
    "attachment": _attachment_message(),
    "html-only": message("Newsletter", body=b"<html><body><p>Big <b>SALE</b> today</p></body></html>\r\n",
                         content_type="text/html; charset=utf-8", sender="news@shop.example"),
    "big": message("Photos", body=b"x" * 150_000 + b"\r\n"),
    "plain": message("Lunch?", sender="friend@example.com"),
    # Raw UTF-8 in the From header's name (RFC 6532), To/Cc with a Chinese name.
    "raw-utf8": message("会议纪要", sender="张三 <zhangsan@example.cn>", to="李四 <lisi@example.cn>"),
}


@dataclass(frozen=True)
class Expected:
    folder: str
    tags: frozenset[str] = frozenset()
    seen: bool = False
    flagged: bool = False


def build_rules(store: Store, account: Account) -> dict[str, str]:
    """Save the rules; return the folder keys by name (财务/2026, Lists, Orders)."""
    finance_top = store.create_folder(None, "财务", None)
    finance = store.create_folder(None, "2026", finance_top)
    lists = store.create_folder(account.id, "Lists", None)
    orders = store.create_folder(None, "Orders", None)
    keys = {"财务/2026": f"user:{finance}", "Lists": f"user:{lists}", "Orders": f"user:{orders}"}
    tags = {tag.name: str(tag.id) for tag in store.tags()}
    rules = [
        Rule("发票", (Condition(Field.SUBJECT, Operator.CONTAINS, "发票"),
                     Condition(Field.BODY, Operator.CONTAINS, "发票")),
             (Action(ActionKind.MOVE, keys["财务/2026"]), Action(ActionKind.TAG, tags["Work"]),
              Action(ActionKind.STOP)), match_all=False),
        Rule("Boss", (Condition(Field.FROM, Operator.IS, "boss@example.com"),),
             (Action(ActionKind.FLAG), Action(ActionKind.MARK_READ))),
        Rule("Mailing list", (Condition(Field.HEADER, Operator.CONTAINS, "dev.lists.example.org", header="List-Id"),),
             (Action(ActionKind.MOVE, keys["Lists"]),)),
        Rule("Urgent", (Condition(Field.SUBJECT, Operator.BEGINS_WITH, "urgent"),),
             (Action(ActionKind.TAG, tags["Important"]), Action(ActionKind.FLAG))),
        Rule("Orders", (Condition(Field.SUBJECT, Operator.MATCHES, r"order\s+#\d+"),),
             (Action(ActionKind.COPY, keys["Orders"]),)),
        Rule("Old mail", (Condition(Field.DATE, Operator.BEFORE, "2020-01-01"),), (Action(ActionKind.DELETE),)),
        Rule("Partner files", (Condition(Field.HAS_ATTACHMENT, Operator.IS, "yes"),
                               Condition(Field.FROM, Operator.CONTAINS, "@partner.example")),
             (Action(ActionKind.DELETE_FROM_SERVER), Action(ActionKind.TAG, tags["To do"]))),
        Rule("Sales", (Condition(Field.BODY, Operator.CONTAINS, "sale"),), (Action(ActionKind.MARK_READ),)),
        Rule("Big", (Condition(Field.SIZE, Operator.GREATER_THAN, "100"),), (Action(ActionKind.TAG, tags["Later"]),)),
        Rule("Chinese names", (Condition(Field.TO_CC, Operator.IS, "李四"),
                               Condition(Field.ACCOUNT, Operator.IS, account.name)),
             (Action(ActionKind.TAG, tags["Personal"]),)),
        Rule("Disabled", (Condition(Field.SUBJECT, Operator.CONTAINS, "lunch"),), (Action(ActionKind.DELETE),),
             enabled=False),
    ]
    for rule in rules:
        store.save_rule(rule)
    return keys


def expected(keys: dict[str, str]) -> dict[str, Expected]:
    finance = keys["财务/2026"]
    return {
        "invoice-utf8": Expected(finance, frozenset({"Work"})),
        "invoice-gb": Expected(finance, frozenset({"Work"})),  # stop: the Boss rule does not run
        "invoice-body": Expected(finance, frozenset({"Work"})),
        "boss": Expected("inbox", seen=True, flagged=True),
        "list": Expected(keys["Lists"]),
        "urgent": Expected("inbox", frozenset({"Important"}), flagged=True),
        "order": Expected("inbox"),  # copied to Orders: the copy is checked apart
        "order-no-number": Expected("inbox"),
        "old": Expected("trash"),
        "attachment": Expected("inbox", frozenset({"To do"})),
        "html-only": Expected("inbox", seen=True),
        "big": Expected("inbox", frozenset({"Later"})),
        "plain": Expected("inbox"),
        "raw-utf8": Expected("inbox", frozenset({"Personal"})),
    }
