"""The texts of every template version, per template name and channel, in zh and en.

Placeholders: {case_number}, {deadline}, {document_number}, {office}. Every text names the
case and nothing about the person (decision 2). Never edit a published version: add the next
one below it, so every stored notification still names the text that rendered it.
"""

from __future__ import annotations

# Version 1: the one text per status that every channel used before templates were per channel.
V1: dict[str, dict[str, str]] = {
    "accepted": {
        "zh": "您的办件{case_number}已受理，承诺办结期限为{deadline}。",
        "en": "Your case {case_number} has been accepted; it will be decided by {deadline}.",
    },
    "accepted.no_deadline": {
        "zh": "您的办件{case_number}已受理。",
        "en": "Your case {case_number} has been accepted.",
    },
    "transmitted": {
        "zh": "您的办件{case_number}已报送上级办理。",
        "en": "Your case {case_number} has been transmitted to the next tier for handling.",
    },
    "received": {
        "zh": "您的办件{case_number}已由{office}接收。",
        "en": "Your case {case_number} has been received by the {office}.",
    },
    "pending_decision": {
        "zh": "您的办件{case_number}正在审批中。",
        "en": "Your case {case_number} is awaiting a decision.",
    },
    "approved": {
        "zh": "您的办件{case_number}已批准，结果文书编号为{document_number}。",
        "en": "Your case {case_number} has been approved; result document number {document_number}.",
    },
    "approved.no_document": {
        "zh": "您的办件{case_number}已批准。",
        "en": "Your case {case_number} has been approved.",
    },
    "refused": {
        "zh": "您的办件{case_number}未予批准。不予批准决定书载明法定理由及申请行政复议、提起行政诉讼的权利和期限，请到受理点领取。",
        "en": "Your case {case_number} has been refused. The refusal letter states the legal reason and your rights to administrative reconsideration and litigation, with their time limits; collect it where you applied.",
    },
    "deemed_approved": {
        "zh": "您的办件{case_number}在办结期限内未作决定，依法视为同意。",
        "en": "No decision was made on your case {case_number} within the time limit, so it is deemed approved.",
    },
    "reply_ready": {
        "zh": "您的办件{case_number}办理结果已送达受理点，请领取。",
        "en": "The result of your case {case_number} is ready for collection where you applied.",
    },
    "withdrawn": {
        "zh": "您的办件{case_number}已撤回。",
        "en": "Your case {case_number} has been withdrawn.",
    },
    "in_review": {
        "zh": "您的办件{case_number}正在审查中。",
        "en": "Your case {case_number} is being reviewed.",
    },
    "suspended": {
        "zh": "您的办件{case_number}需要补正材料，办理时限暂停计算，请按受理点的通知补正。",
        "en": "Your case {case_number} needs more materials; its time limit is paused until you supplement them where you applied.",
    },
    "replied": {
        "zh": "您的办件{case_number}办理结果已领取。",
        "en": "The result of your case {case_number} has been handed over.",
    },
    "closed": {
        "zh": "您的办件{case_number}已办结。",
        "en": "Your case {case_number} is closed.",
    },
    # A status this version does not know yet: the recipient still hears that something changed.
    "updated": {
        "zh": "您的办件{case_number}办理状态已更新。",
        "en": "The status of your case {case_number} has changed.",
    },
}

# SMS version 2: one short segment (70 Chinese characters, 160 Latin), with the sender's
# signature first, as mainland carriers require.
SMS_V2: dict[str, dict[str, str]] = {
    "accepted": {
        "zh": "【政务服务】办件{case_number}已受理，承诺{deadline}前办结。",
        "en": "Gov services: case {case_number} accepted; decision by {deadline}.",
    },
    "accepted.no_deadline": {
        "zh": "【政务服务】办件{case_number}已受理。",
        "en": "Gov services: case {case_number} accepted.",
    },
    "transmitted": {
        "zh": "【政务服务】办件{case_number}已报送上级办理。",
        "en": "Gov services: case {case_number} sent to the next tier.",
    },
    "received": {
        "zh": "【政务服务】办件{case_number}已由{office}接收。",
        "en": "Gov services: case {case_number} received by the {office}.",
    },
    "pending_decision": {
        "zh": "【政务服务】办件{case_number}审批中。",
        "en": "Gov services: case {case_number} awaits a decision.",
    },
    "approved": {
        "zh": "【政务服务】办件{case_number}已批准，文书号{document_number}。",
        "en": "Gov services: case {case_number} approved; document {document_number}.",
    },
    "approved.no_document": {
        "zh": "【政务服务】办件{case_number}已批准。",
        "en": "Gov services: case {case_number} approved.",
    },
    "refused": {
        "zh": "【政务服务】办件{case_number}未予批准，理由及救济权利见决定书，请到受理点领取。",
        "en": "Gov services: case {case_number} refused; the letter with the reason and your appeal rights is ready where you applied.",
    },
    "deemed_approved": {
        "zh": "【政务服务】办件{case_number}逾期未作决定，依法视为同意。",
        "en": "Gov services: case {case_number} deemed approved (no decision in time).",
    },
    "reply_ready": {
        "zh": "【政务服务】办件{case_number}办理结果已送达受理点，请领取。",
        "en": "Gov services: the result of case {case_number} is ready where you applied.",
    },
    "withdrawn": {
        "zh": "【政务服务】办件{case_number}已撤回。",
        "en": "Gov services: case {case_number} withdrawn.",
    },
    "in_review": {
        "zh": "【政务服务】办件{case_number}审查中。",
        "en": "Gov services: case {case_number} is being reviewed.",
    },
    "suspended": {
        "zh": "【政务服务】办件{case_number}需补正材料，时限暂停，请按受理点通知补正。",
        "en": "Gov services: case {case_number} needs more materials; time limit paused until you supplement.",
    },
    "replied": {
        "zh": "【政务服务】办件{case_number}办理结果已领取。",
        "en": "Gov services: the result of case {case_number} was handed over.",
    },
    "closed": {
        "zh": "【政务服务】办件{case_number}已办结。",
        "en": "Gov services: case {case_number} closed.",
    },
    "updated": {
        "zh": "【政务服务】办件{case_number}状态已更新。",
        "en": "Gov services: the status of case {case_number} has changed.",
    },
}

# Email version 2: a subject per status; the body is version 1 followed by EMAIL_FOOTER.
EMAIL_V2_SUBJECTS: dict[str, dict[str, str]] = {
    "accepted": {"zh": "办件{case_number}已受理", "en": "Case {case_number} accepted"},
    "accepted.no_deadline": {"zh": "办件{case_number}已受理", "en": "Case {case_number} accepted"},
    "transmitted": {
        "zh": "办件{case_number}已报送上级",
        "en": "Case {case_number} sent to the next tier",
    },
    "received": {"zh": "办件{case_number}已接收", "en": "Case {case_number} received"},
    "pending_decision": {
        "zh": "办件{case_number}审批中",
        "en": "Case {case_number} awaiting a decision",
    },
    "approved": {"zh": "办件{case_number}已批准", "en": "Case {case_number} approved"},
    "approved.no_document": {"zh": "办件{case_number}已批准", "en": "Case {case_number} approved"},
    "refused": {"zh": "办件{case_number}未予批准", "en": "Case {case_number} refused"},
    "deemed_approved": {
        "zh": "办件{case_number}视为同意",
        "en": "Case {case_number} deemed approved",
    },
    "reply_ready": {
        "zh": "办件{case_number}办理结果待领取",
        "en": "Result of case {case_number} ready",
    },
    "withdrawn": {"zh": "办件{case_number}已撤回", "en": "Case {case_number} withdrawn"},
    "in_review": {"zh": "办件{case_number}审查中", "en": "Case {case_number} in review"},
    "suspended": {
        "zh": "办件{case_number}需补正材料",
        "en": "Case {case_number} needs more materials",
    },
    "replied": {"zh": "办件{case_number}结果已领取", "en": "Case {case_number} handed over"},
    "closed": {"zh": "办件{case_number}已办结", "en": "Case {case_number} closed"},
    "updated": {"zh": "办件{case_number}状态更新", "en": "Case {case_number} updated"},
}
EMAIL_FOOTER = {
    "zh": "\n\n此邮件由政务服务网络自动发送，请勿直接回复。如有疑问，请联系受理窗口。",
    "en": "\n\nThis message was sent automatically by the administrative service network; "
    "please do not reply. For questions, contact the window where you applied.",
}

# Direct messages (SendDirect): not about a case, so the texts above do not fit. Per template
# name, the channels it may go by and, per channel, its versions (oldest first) by language.
DIRECT: dict[str, dict[str, list[dict[str, str]]]] = {
    # An applicant's sign-in code: one SMS segment, the sender's signature first.
    "one_time_code": {
        "sms": [
            {
                "zh": "【政务服务】您的登录验证码为{code}，{minutes}分钟内有效。请勿告知他人。",
                "en": "Gov services: your sign-in code is {code}, valid for {minutes} minutes. "
                "Never share it.",
            }
        ],
    },
    # E-supervision (S1): to the window staff responsible for a case, in the app.
    "case_due_soon": {
        "in_app": [
            {
                "zh": "【电子监察预警】办件{case_number}将于{deadline}到期，请抓紧办理。",
                "en": "Supervision: case {case_number} is due by {deadline}; please decide it.",
            }
        ],
    },
    "case_overdue": {
        "in_app": [
            {
                "zh": "【电子监察】办件{case_number}已超过办理期限（{deadline}），请立即办理并说明原因。",
                "en": "Supervision: case {case_number} is overdue (deadline {deadline}); "
                "decide it now and give the reason for the delay.",
            }
        ],
    },
    # S2: the code the applicant rates the service with, handed over with the reply.
    "rating_code": {
        "in_app": [
            {
                "zh": "办件{case_number}已有答复。交付时请告知申请人满意度评价码{code}。",
                "en": "Case {case_number} has its reply. When you hand it over, give the "
                "applicant the satisfaction rating code {code}.",
            }
        ],
    },
}
