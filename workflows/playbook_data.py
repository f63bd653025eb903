"""Default playbooks for the seven external-fraud incident types.

Source: the bank's procedure 涉及外部欺诈风险运营重要事项处理流程
(``shared/seeds/002_b3e68214565df4b0.txt``): the key steps in section 三 and
the detailed explanation of each step in section 四, read together with the
case write-ups in ``shared/seeds/000_427185b51003a1fe.txt`` and SPEC.md §3-§4.
Where the spec and the seed disagree on the procedure, the seed wins (e.g. the
T7 branch order 拒绝办理业务 → 没收假票 → 报案 → 报告, and the separate
sub-branch step 指导支行报案(根据保卫部意见) for T5/T6).

This module is pure data (no Django imports). A data migration loads it into
the playbook tables once; after that head office edits the live copy in the
admin, so changing this file does not change an existing installation.

Meaning of the step flags:

* ``mandatory``: the step must be resolved (done, or not applicable with a
  reason when ``conditional``) before the incident can be closed at its level.
  Every step of the bank's procedure is mandatory; the flag exists for steps a
  bank adds later.
* ``conditional``: the seed makes the step depend on a condition ((如有),
  (情节严重的), "if the payee bank is this bank", "per instruction"); it may be
  marked not applicable with a reason.
* ``awaits_instruction``: the step waits for an instruction (根据分行指示 /
  根据保卫部意见); its clock starts when the instruction is recorded.
* ``reports_up``: exactly one step per type at branch and at sub-branch; its
  completion hands the incident to the next level ("level_entered" there).

``deadline_from``: ``filed`` (incident filed), ``level_entered`` (the level
received the incident: the branch's report for sub-branch steps, the
sub-branch's report for head-office steps) or ``instructed``.
"""

import re

LEVELS = ("branch", "sub_branch", "head_office")
GROUPS = ("against_customer", "against_bank")
ROLES_BY_LEVEL = {
    "branch": ("teller", "branch_manager"),
    "sub_branch": ("sub_branch_monitor", "sub_branch_security"),
    "head_office": ("head_office_monitor", "head_office_security"),
}
ROLES = tuple(role for roles in ROLES_BY_LEVEL.values() for role in roles)
DEADLINE_FROM = ("filed", "level_entered", "instructed")
EVIDENCE_TYPES = (
    "text",
    "textarea",
    "datetime",
    "url",
    "bool",
    "amount",
    "file",
    "choice",
)
MAX_EVIDENCE_FIELDS = 4

# Clock defaults (minutes). SPEC §4 fixes most of them; the rest are chosen
# here and explained where they are used.
MINUTES_BRANCH_URGENT = 15  # §4: police report, history, stop-payment, phone report
MINUTES_ACCOUNT_CONTROL = 30  # brief: sub-branch account control
MINUTES_SHARE_IN_REGION = 60  # seed: share an interception within 1 hour
MINUTES_INSTRUCT_BRANCH = 60  # pass an instruction down within the hour
MINUTES_DEPARTMENT_LINKAGE = 240  # same half-day: police advice must not lag
MINUTES_ONE_DAY = 1440  # §4: important-matter report; watch-list nomination
MINUTES_TWO_DAYS = 2880  # §4: head-office suspicious-account analysis
MINUTES_THREE_DAYS = 4320  # §4: watch-list decision; reviews/investigations
MINUTES_TWO_WEEKS = 20160  # answers from outside parties (UnionPay)
MINUTES_THIRTY_DAYS = 43200  # police investigations, system changes

INCIDENT_TYPES = [
    # ------------------------------------------------------------------
    # T1 电信欺诈
    # ------------------------------------------------------------------
    {
        "code": "telecom_fraud",
        "group": "against_customer",
        "name_zh": "电信欺诈",
        "name_en": "Telecom fraud",
        "description_zh": "客户被欺诈,通过网银、ATM、柜面等渠道将资金转至诈骗账户。",
        "description_en": (
            "The customer was deceived and transferred money to a fraud account "
            "through online banking, an ATM or the counter."
        ),
        "steps": [
            {
                "level": "branch",
                "code": "police_report",
                "title_zh": "协助客户报警",
                "title_en": "Assist the customer to report to the police",
                "guidance_zh": (
                    "安抚客户情绪,建议并协助客户拨打110或到当地派出所报警,"
                    "协助客户应对诈骗分子的催款电话。如需要,协助被骗客户办理"
                    "账户口头挂失或正式挂失。"
                ),
                "guidance_en": (
                    "Calm the customer, advise and help them to report to the "
                    "police (call 110 or go to the local police station) and to "
                    "handle further calls from the fraudsters. If needed, help "
                    "them place a verbal or formal loss report on the account."
                ),
                "owner_role": "teller",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "reported_at",
                        "label_zh": "报警时间",
                        "label_en": "Reported to the police at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "police_station",
                        "label_zh": "接警单位(派出所)",
                        "label_en": "Police station",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "police_receipt_no",
                        "label_zh": "报警回执编号",
                        "label_en": "Police report reference",
                        "type": "text",
                        "required": False,
                    },
                    {
                        "name": "loss_report",
                        "label_zh": "账户挂失",
                        "label_en": "Loss report on the account",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["none", "未挂失", "None"],
                            ["verbal", "口头挂失", "Verbal loss report"],
                            ["formal", "正式挂失", "Formal loss report"],
                        ],
                    },
                ],
            },
            {
                "level": "branch",
                "code": "transaction_history",
                "title_zh": "查询客户账户流水及资金去向",
                "title_en": "Pull the customer's transaction history and trace the funds",
                "guidance_zh": (
                    "查询客户账户流水,确认被骗资金的转出时间、金额、渠道和收款"
                    "账户。诈骗收款账户开在本网点的,立即进行账户控制并报送分行。"
                ),
                "guidance_en": (
                    "Pull the customer's transaction history and establish when, "
                    "how and to which account the money went. If the fraud "
                    "account was opened at this branch, control it at once and "
                    "report to the sub-branch."
                ),
                "owner_role": "teller",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "statement",
                        "label_zh": "账户流水",
                        "label_en": "Transaction history",
                        "type": "file",
                        "required": True,
                    },
                    {
                        "name": "payee_account",
                        "label_zh": "诈骗收款账号",
                        "label_en": "Fraud payee account number",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "payee_bank",
                        "label_zh": "收款行",
                        "label_en": "Payee bank",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "amount_lost",
                        "label_zh": "被骗金额(元)",
                        "label_en": "Amount lost (CNY)",
                        "type": "amount",
                        "required": True,
                    },
                ],
            },
            {
                "level": "branch",
                "code": "stop_payment",
                "title_zh": "对诈骗账户止付(如有)",
                "title_en": "Stop payment on the fraud account (if any)",
                "guidance_zh": (
                    "诈骗收款账户在本行的,立即提交止付申请报分行审批;汇款资金"
                    "尚未转移的,经上级行同意后紧急办理冲正并提交远程授权。收款"
                    "账户不在本行的,标记为不适用并说明原因。"
                ),
                "guidance_en": (
                    "If the fraud account is at this bank, request a stop-payment "
                    "for the sub-branch to approve at once; if a remittance has "
                    "not yet been moved on, request an urgent reversal with the "
                    "sub-branch's support and remote authorisation. If the "
                    "account is at another bank, mark this step not applicable."
                ),
                "owner_role": "teller",
                "mandatory": True,
                "conditional": True,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "action",
                        "label_zh": "控制措施",
                        "label_en": "Action taken",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["stop_payment", "止付", "Stop-payment"],
                            ["reversal", "汇款冲正", "Remittance reversal"],
                        ],
                    },
                    {
                        "name": "account_number",
                        "label_zh": "止付/冲正账号",
                        "label_en": "Account stopped or reversed",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "amount",
                        "label_zh": "止付/冲正金额(元)",
                        "label_en": "Amount stopped or reversed (CNY)",
                        "type": "amount",
                        "required": True,
                    },
                    {
                        "name": "request_reference",
                        "label_zh": "申请编号",
                        "label_en": "Request reference",
                        "type": "text",
                        "required": False,
                    },
                ],
            },
            {
                "level": "branch",
                "code": "phone_report",
                "title_zh": "电话紧急报告分行并报送重要事项报告",
                "title_en": (
                    "Phone the sub-branch urgently, then file the important-matter report"
                ),
                "guidance_zh": (
                    "对于紧急情况,先向分行运营监控电话说明情况,再报送书面重要"
                    "事项报告。书面报告可在电话报告后补充上传。"
                ),
                "guidance_en": (
                    "In an emergency, first phone the sub-branch's operations "
                    "monitors and explain the case, then file the written "
                    "important-matter report; upload it as soon as it is ready."
                ),
                "owner_role": "branch_manager",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": True,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "phoned_at",
                        "label_zh": "电话报告时间",
                        "label_en": "Phoned at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "sub_branch_contact",
                        "label_zh": "分行接听人",
                        "label_en": "Sub-branch contact",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "summary",
                        "label_zh": "情况说明",
                        "label_en": "Summary",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "written_report",
                        "label_zh": "重要事项报告(书面)",
                        "label_en": "Written important-matter report",
                        "type": "file",
                        "required": False,
                    },
                ],
            },
            {
                "level": "branch",
                "code": "cooperate_police",
                "title_zh": "配合公安机关调查",
                "title_en": "Cooperate with the police investigation",
                "guidance_zh": (
                    "配合当地公安机关调查案件,按要求提供开户资料、交易流水、"
                    "监控录像等,并记录提供情况。"
                ),
                "guidance_en": (
                    "Cooperate with the local police investigation: provide the "
                    "account-opening documents, transaction records and CCTV "
                    "footage they ask for, and record what was provided."
                ),
                "owner_role": "teller",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                # Investigations take weeks; escalation never waits for this.
                "deadline_minutes": MINUTES_THIRTY_DAYS,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "police_case_no",
                        "label_zh": "公安立案编号",
                        "label_en": "Police case number",
                        "type": "text",
                        "required": False,
                    },
                    {
                        "name": "materials_provided",
                        "label_zh": "已提供资料",
                        "label_en": "Materials provided",
                        "type": "textarea",
                        "required": True,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "account_control",
                "title_zh": "控制诈骗收款账户",
                "title_en": "Control the fraud payee account",
                "guidance_zh": (
                    "收款行为辖内支行的,指导支行对诈骗账户止付;收款行跨分行的,"
                    "电话联系该分行监控人员并发邮件请其协助止付,同时抄送总行运营"
                    "监控。收到其他分行协助邮件时,立即调查并止付收款账户及与其有"
                    "交易往来的账户,同时抄送总行运营监控。"
                ),
                "guidance_en": (
                    "Payee account in a branch of this region: instruct that "
                    "branch to stop payment. In another region: phone that "
                    "sub-branch's monitors and email a written assistance "
                    "request, copying head office. On receiving such a request, "
                    "investigate and control the payee account and the accounts "
                    "that transacted with it at once, copying head office."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_ACCOUNT_CONTROL,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "payee_location",
                        "label_zh": "收款账户所在",
                        "label_en": "Where the payee account is held",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["this_region", "本分行辖内", "In this region"],
                            ["other_region", "其他分行辖内", "In another region"],
                            ["other_bank", "他行", "At another bank"],
                        ],
                    },
                    {
                        "name": "accounts_controlled",
                        "label_zh": "已止付账户",
                        "label_en": "Accounts stopped",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "assistance_requested_at",
                        "label_zh": "跨分行协助邮件发送时间",
                        "label_en": "Cross-region assistance request sent at",
                        "type": "datetime",
                        "required": False,
                    },
                    {
                        "name": "head_office_copied",
                        "label_zh": "已抄送总行运营监控",
                        "label_en": "Head-office monitors copied",
                        "type": "bool",
                        "required": True,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "department_linkage",
                "title_zh": "部门联动:报告保卫部及零售条线",
                "title_en": (
                    "Department linkage: inform the security department and the retail line"
                ),
                "guidance_zh": (
                    "报告分行保卫部,根据保卫部建议指导支行报案;报告分行零售条线"
                    "知晓事件;如涉及我行被诉讼,还应报告分行法律部门、办公室等"
                    "相关部门。"
                ),
                "guidance_en": (
                    "Inform the sub-branch security department and, on its "
                    "advice, have the branch file a police case; inform the "
                    "retail line. If the bank is being sued, also inform the "
                    "legal department and the office."
                ),
                "owner_role": "sub_branch_security",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_DEPARTMENT_LINKAGE,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "security_advice",
                        "label_zh": "保卫部意见",
                        "label_en": "Security department's advice",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "retail_line_informed",
                        "label_zh": "已报告零售条线",
                        "label_en": "Retail line informed",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "bank_sued",
                        "label_zh": "是否涉及我行被诉讼",
                        "label_en": "Bank is being sued",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "legal_informed",
                        "label_zh": "已报告法律部门、办公室",
                        "label_en": "Legal department and office informed",
                        "type": "bool",
                        "required": False,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "compliance_review",
                "title_zh": "检视支行业务办理合规性",
                "title_en": "Review the branch's handling for compliance",
                "guidance_zh": (
                    "指导支行调取客户开户等业务相关资料并妥善保管,检视柜员业务"
                    "办理的合规性以及相关风险是否向客户提示到位。"
                ),
                "guidance_en": (
                    "Have the branch retrieve and keep the account-opening and "
                    "transaction documents; review whether the teller followed "
                    "procedure and warned the customer of the risk."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                # Document retrieval and review: a few working days, not minutes.
                "deadline_minutes": MINUTES_THREE_DAYS,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "documents_retained",
                        "label_zh": "业务资料已调取并保管",
                        "label_en": "Documents retrieved and kept",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "procedure_followed",
                        "label_zh": "业务办理是否合规",
                        "label_en": "Procedure followed",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["yes", "合规", "Yes"],
                            ["partly", "部分不合规", "Partly"],
                            ["no", "不合规", "No"],
                        ],
                    },
                    {
                        "name": "customer_warned",
                        "label_zh": "风险是否提示到位",
                        "label_en": "Customer warned of the risk",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["yes", "提示到位", "Yes"],
                            ["insufficient", "提示不到位", "Insufficiently"],
                            ["no", "未提示", "No"],
                        ],
                    },
                    {
                        "name": "findings",
                        "label_zh": "检视结论",
                        "label_en": "Findings",
                        "type": "textarea",
                        "required": True,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "share_in_region",
                "title_zh": "辖内共享:向辖内网点通报",
                "title_en": "Share within the region: alert all branches",
                "guidance_zh": (
                    "向辖内网点通报相关事项,指导网点关注可疑客户、疑似被骗客户"
                    "以及诈骗分子的诈骗方式等。"
                ),
                "guidance_en": (
                    "Alert all branches of the region and tell them to watch for "
                    "the suspicious customers, likely victims and the fraudsters' "
                    "method."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_SHARE_IN_REGION,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "shared_at",
                        "label_zh": "通报时间",
                        "label_en": "Shared at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "channel",
                        "label_zh": "通报渠道",
                        "label_en": "Channel",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["wechat_group", "营业部经理微信群", "Branch managers' group chat"],
                            ["email", "邮件", "Email"],
                            ["notice", "书面通报", "Written notice"],
                            ["other", "其他", "Other"],
                        ],
                    },
                    {
                        "name": "content",
                        "label_zh": "通报内容(可疑客户、疑似被骗客户、诈骗手法)",
                        "label_en": "Content (suspicious customers, likely victims, method)",
                        "type": "textarea",
                        "required": True,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "report_head_office",
                "title_zh": "向总行报送重要事项报告",
                "title_en": "File the important-matter report to head office",
                "guidance_zh": (
                    "向总行报送重要事项报告,除事件描述外,应包括被骗客户、被骗"
                    "资金收款人的账户信息等重要信息。"
                ),
                "guidance_en": (
                    "File the important-matter report to head office; besides the "
                    "description it must give the victim's account and the "
                    "payee's account details."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": True,
                "deadline_minutes": MINUTES_ONE_DAY,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "report",
                        "label_zh": "重要事项报告",
                        "label_en": "Important-matter report",
                        "type": "file",
                        "required": True,
                    },
                    {
                        "name": "victim_account",
                        "label_zh": "被骗客户账户(户名、账号)",
                        "label_en": "Victim's account (name, number)",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "payee_account",
                        "label_zh": "收款人账户信息(户名、账号、开户行)",
                        "label_en": "Payee's account (name, number, bank)",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "amount_lost",
                        "label_zh": "被骗金额(元)",
                        "label_en": "Amount lost (CNY)",
                        "type": "amount",
                        "required": True,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "watch_list_nomination",
                "title_zh": "申请将收款人客户纳入运营关注名单",
                "title_en": "Nominate the payee customers for the watch list",
                "guidance_zh": "向总行申请将事项涉及的收款人客户纳入运营关注名单。",
                "guidance_en": (
                    "Ask head office to add the payee customers involved to the "
                    "operations watch list."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_ONE_DAY,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "parties",
                        "label_zh": "拟纳入名单的客户、账户、证件号码、手机号",
                        "label_en": "Customers, accounts, ID and phone numbers nominated",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "application_reference",
                        "label_zh": "申请编号",
                        "label_en": "Application reference",
                        "type": "text",
                        "required": False,
                    },
                ],
            },
            {
                "level": "head_office",
                "code": "suspicious_account_control",
                "title_zh": "分析并控制可疑关联账户",
                "title_en": "Analyse and control suspicious linked accounts",
                "guidance_zh": (
                    "根据分行提供的收款账户涉及的客户、账户和手机号码,向科技提出"
                    "数据采集需求并采集交易流水;对与收款账户有关联交易或有相同"
                    "身份证件号码、相同联系方式的我行账户,通知开户分行甄别分析后"
                    "止付,并将客户纳入运营关注名单。"
                ),
                "guidance_en": (
                    "From the payee's customers, accounts and phone numbers, ask "
                    "IT to collect the transaction histories; for this bank's "
                    "accounts that transacted with the payee account or share its "
                    "ID number or contact details, have the opening sub-branch "
                    "screen and stop them, and add the customers to the watch list."
                ),
                "owner_role": "head_office_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_TWO_DAYS,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "data_request_reference",
                        "label_zh": "科技数据采集需求编号",
                        "label_en": "IT data-collection request reference",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "linked_accounts",
                        "label_zh": "发现的可疑关联账户",
                        "label_en": "Suspicious linked accounts found",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "sub_branches_notified",
                        "label_zh": "已通知开户分行甄别止付",
                        "label_en": "Opening sub-branches told to screen and stop",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "added_to_watch_list",
                        "label_zh": "已纳入运营关注名单",
                        "label_en": "Added to the watch list",
                        "type": "bool",
                        "required": True,
                    },
                ],
            },
            {
                "level": "head_office",
                "code": "risk_controls",
                "title_zh": "联动零售、电子银行部门优化风控措施",
                "title_en": ("Agree risk controls with the retail and e-banking departments"),
                "guidance_zh": (
                    "将事项转发电子银行部等零售相关部门,联合电子银行部、零售产品"
                    "部门讨论、制定相应风控措施或系统优化方案,并跟踪落实。"
                ),
                "guidance_en": (
                    "Forward the case to the e-banking and other retail "
                    "departments, agree risk controls or system changes with them "
                    "and track them until they are in place."
                ),
                "owner_role": "head_office_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                # Closes when the agreed controls are tracked to implementation.
                "deadline_minutes": MINUTES_THIRTY_DAYS,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "forwarded_at",
                        "label_zh": "转发相关部门时间",
                        "label_en": "Forwarded to the departments at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "measures",
                        "label_zh": "风控措施或系统优化方案",
                        "label_en": "Risk controls or system changes",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "status",
                        "label_zh": "落实情况",
                        "label_en": "Status",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["agreed", "已制定", "Agreed"],
                            ["implemented", "已落实", "Implemented"],
                            ["not_needed", "无需调整", "No change needed"],
                        ],
                    },
                ],
            },
        ],
    },
    # ------------------------------------------------------------------
    # T2 钓鱼网站
    # ------------------------------------------------------------------
    {
        "code": "phishing_site",
        "group": "against_customer",
        "name_zh": "钓鱼网站",
        "name_en": "Phishing site",
        "description_zh": "客户被骗通过钓鱼网站将账户资金转至诈骗账户。",
        "description_en": (
            "The customer was tricked by a phishing website into transferring "
            "money to a fraud account."
        ),
        "steps": [
            {
                "level": "branch",
                "code": "police_report",
                "title_zh": "协助客户报警",
                "title_en": "Assist the customer to report to the police",
                "guidance_zh": (
                    "安抚客户情绪,建议并协助客户报警,记录客户访问的钓鱼网站地址。"
                    "如需要,协助被骗客户办理账户口头挂失或正式挂失。"
                ),
                "guidance_en": (
                    "Calm the customer, advise and help them to report to the "
                    "police, and note the address of the phishing site they used. "
                    "If needed, help them place a verbal or formal loss report."
                ),
                "owner_role": "teller",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "reported_at",
                        "label_zh": "报警时间",
                        "label_en": "Reported to the police at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "police_station",
                        "label_zh": "接警单位(派出所)",
                        "label_en": "Police station",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "phishing_url",
                        "label_zh": "钓鱼网站地址",
                        "label_en": "Phishing site address",
                        "type": "url",
                        "required": False,
                    },
                    {
                        "name": "loss_report",
                        "label_zh": "账户挂失",
                        "label_en": "Loss report on the account",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["none", "未挂失", "None"],
                            ["verbal", "口头挂失", "Verbal loss report"],
                            ["formal", "正式挂失", "Formal loss report"],
                        ],
                    },
                ],
            },
            {
                "level": "branch",
                "code": "transaction_history",
                "title_zh": "查询客户账户流水及资金去向",
                "title_en": "Pull the customer's transaction history and trace the funds",
                "guidance_zh": (
                    "查询客户账户流水,确认经钓鱼网站转出资金的时间、金额和收款"
                    "账户。诈骗收款账户开在本网点的,立即进行账户控制并报送分行。"
                ),
                "guidance_en": (
                    "Pull the customer's transaction history and establish when "
                    "and to which account the money went through the phishing "
                    "site. If the fraud account was opened at this branch, "
                    "control it at once and report to the sub-branch."
                ),
                "owner_role": "teller",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "statement",
                        "label_zh": "账户流水",
                        "label_en": "Transaction history",
                        "type": "file",
                        "required": True,
                    },
                    {
                        "name": "payee_account",
                        "label_zh": "诈骗收款账号",
                        "label_en": "Fraud payee account number",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "payee_bank",
                        "label_zh": "收款行",
                        "label_en": "Payee bank",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "amount_lost",
                        "label_zh": "被骗金额(元)",
                        "label_en": "Amount lost (CNY)",
                        "type": "amount",
                        "required": True,
                    },
                ],
            },
            {
                "level": "branch",
                "code": "stop_payment",
                "title_zh": "对诈骗账户止付(如有)",
                "title_en": "Stop payment on the fraud account (if any)",
                "guidance_zh": (
                    "诈骗收款账户在本行的,立即提交止付申请报分行审批;资金尚未"
                    "转移的,经上级行同意后紧急办理冲正。收款账户不在本行的,标记"
                    "为不适用并说明原因。"
                ),
                "guidance_en": (
                    "If the fraud account is at this bank, request a stop-payment "
                    "for the sub-branch to approve at once; if the money has not "
                    "yet been moved on, request an urgent reversal. If the account "
                    "is at another bank, mark this step not applicable."
                ),
                "owner_role": "teller",
                "mandatory": True,
                "conditional": True,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "action",
                        "label_zh": "控制措施",
                        "label_en": "Action taken",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["stop_payment", "止付", "Stop-payment"],
                            ["reversal", "汇款冲正", "Remittance reversal"],
                        ],
                    },
                    {
                        "name": "account_number",
                        "label_zh": "止付/冲正账号",
                        "label_en": "Account stopped or reversed",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "amount",
                        "label_zh": "止付/冲正金额(元)",
                        "label_en": "Amount stopped or reversed (CNY)",
                        "type": "amount",
                        "required": True,
                    },
                    {
                        "name": "request_reference",
                        "label_zh": "申请编号",
                        "label_en": "Request reference",
                        "type": "text",
                        "required": False,
                    },
                ],
            },
            {
                "level": "branch",
                "code": "phone_report",
                "title_zh": "电话紧急报告分行并报送重要事项报告",
                "title_en": (
                    "Phone the sub-branch urgently, then file the important-matter report"
                ),
                "guidance_zh": (
                    "对于紧急情况,先向分行运营监控电话说明情况(含钓鱼网站地址),"
                    "再报送书面重要事项报告。"
                ),
                "guidance_en": (
                    "In an emergency, first phone the sub-branch's operations "
                    "monitors (giving the phishing site's address), then file the "
                    "written important-matter report."
                ),
                "owner_role": "branch_manager",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": True,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "phoned_at",
                        "label_zh": "电话报告时间",
                        "label_en": "Phoned at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "sub_branch_contact",
                        "label_zh": "分行接听人",
                        "label_en": "Sub-branch contact",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "summary",
                        "label_zh": "情况说明",
                        "label_en": "Summary",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "written_report",
                        "label_zh": "重要事项报告(书面)",
                        "label_en": "Written important-matter report",
                        "type": "file",
                        "required": False,
                    },
                ],
            },
            {
                "level": "branch",
                "code": "cooperate_police",
                "title_zh": "配合公安机关调查",
                "title_en": "Cooperate with the police investigation",
                "guidance_zh": (
                    "配合当地公安机关调查案件,按要求提供开户资料、交易流水、"
                    "网银登录记录等,并记录提供情况。"
                ),
                "guidance_en": (
                    "Cooperate with the local police investigation: provide the "
                    "account documents, transaction records and online-banking "
                    "logs they ask for, and record what was provided."
                ),
                "owner_role": "teller",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                # Investigations take weeks; escalation never waits for this.
                "deadline_minutes": MINUTES_THIRTY_DAYS,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "police_case_no",
                        "label_zh": "公安立案编号",
                        "label_en": "Police case number",
                        "type": "text",
                        "required": False,
                    },
                    {
                        "name": "materials_provided",
                        "label_zh": "已提供资料",
                        "label_en": "Materials provided",
                        "type": "textarea",
                        "required": True,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "account_control",
                "title_zh": "控制诈骗收款账户",
                "title_en": "Control the fraud payee account",
                "guidance_zh": (
                    "收款行为辖内支行的,指导支行对诈骗账户止付;收款行跨分行的,"
                    "电话联系该分行监控人员并发邮件请其协助止付,同时抄送总行运营"
                    "监控。收到其他分行协助邮件时,立即调查并止付收款账户及与其有"
                    "交易往来的账户,同时抄送总行运营监控。"
                ),
                "guidance_en": (
                    "Payee account in a branch of this region: instruct that "
                    "branch to stop payment. In another region: phone that "
                    "sub-branch's monitors and email a written assistance "
                    "request, copying head office. On receiving such a request, "
                    "investigate and control the payee account and the accounts "
                    "that transacted with it at once, copying head office."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_ACCOUNT_CONTROL,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "payee_location",
                        "label_zh": "收款账户所在",
                        "label_en": "Where the payee account is held",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["this_region", "本分行辖内", "In this region"],
                            ["other_region", "其他分行辖内", "In another region"],
                            ["other_bank", "他行", "At another bank"],
                        ],
                    },
                    {
                        "name": "accounts_controlled",
                        "label_zh": "已止付账户",
                        "label_en": "Accounts stopped",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "assistance_requested_at",
                        "label_zh": "跨分行协助邮件发送时间",
                        "label_en": "Cross-region assistance request sent at",
                        "type": "datetime",
                        "required": False,
                    },
                    {
                        "name": "head_office_copied",
                        "label_zh": "已抄送总行运营监控",
                        "label_en": "Head-office monitors copied",
                        "type": "bool",
                        "required": True,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "department_linkage",
                "title_zh": "部门联动:报告保卫部及零售条线",
                "title_en": (
                    "Department linkage: inform the security department and the retail line"
                ),
                "guidance_zh": (
                    "报告分行保卫部,根据保卫部建议指导支行报案;报告分行零售条线"
                    "知晓事件;如涉及我行被诉讼,还应报告分行法律部门、办公室等"
                    "相关部门。"
                ),
                "guidance_en": (
                    "Inform the sub-branch security department and, on its "
                    "advice, have the branch file a police case; inform the "
                    "retail line. If the bank is being sued, also inform the "
                    "legal department and the office."
                ),
                "owner_role": "sub_branch_security",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_DEPARTMENT_LINKAGE,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "security_advice",
                        "label_zh": "保卫部意见",
                        "label_en": "Security department's advice",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "retail_line_informed",
                        "label_zh": "已报告零售条线",
                        "label_en": "Retail line informed",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "bank_sued",
                        "label_zh": "是否涉及我行被诉讼",
                        "label_en": "Bank is being sued",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "legal_informed",
                        "label_zh": "已报告法律部门、办公室",
                        "label_en": "Legal department and office informed",
                        "type": "bool",
                        "required": False,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "compliance_review",
                "title_zh": "检视支行业务办理合规性",
                "title_en": "Review the branch's handling for compliance",
                "guidance_zh": (
                    "指导支行调取客户开户、网银开通等业务相关资料并妥善保管,检视"
                    "柜员业务办理的合规性以及相关风险是否向客户提示到位。"
                ),
                "guidance_en": (
                    "Have the branch retrieve and keep the account-opening and "
                    "online-banking documents; review whether the teller followed "
                    "procedure and warned the customer of the risk."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                # Document retrieval and review: a few working days, not minutes.
                "deadline_minutes": MINUTES_THREE_DAYS,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "documents_retained",
                        "label_zh": "业务资料已调取并保管",
                        "label_en": "Documents retrieved and kept",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "procedure_followed",
                        "label_zh": "业务办理是否合规",
                        "label_en": "Procedure followed",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["yes", "合规", "Yes"],
                            ["partly", "部分不合规", "Partly"],
                            ["no", "不合规", "No"],
                        ],
                    },
                    {
                        "name": "customer_warned",
                        "label_zh": "风险是否提示到位",
                        "label_en": "Customer warned of the risk",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["yes", "提示到位", "Yes"],
                            ["insufficient", "提示不到位", "Insufficiently"],
                            ["no", "未提示", "No"],
                        ],
                    },
                    {
                        "name": "findings",
                        "label_zh": "检视结论",
                        "label_en": "Findings",
                        "type": "textarea",
                        "required": True,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "share_in_region",
                "title_zh": "辖内共享:向辖内网点通报",
                "title_en": "Share within the region: alert all branches",
                "guidance_zh": (
                    "向辖内网点通报相关事项及钓鱼网站特征,指导网点关注可疑客户、"
                    "疑似被骗客户以及诈骗分子的诈骗方式等。"
                ),
                "guidance_en": (
                    "Alert all branches of the region to the phishing site and "
                    "tell them to watch for the suspicious customers, likely "
                    "victims and the fraudsters' method."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_SHARE_IN_REGION,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "shared_at",
                        "label_zh": "通报时间",
                        "label_en": "Shared at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "channel",
                        "label_zh": "通报渠道",
                        "label_en": "Channel",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["wechat_group", "营业部经理微信群", "Branch managers' group chat"],
                            ["email", "邮件", "Email"],
                            ["notice", "书面通报", "Written notice"],
                            ["other", "其他", "Other"],
                        ],
                    },
                    {
                        "name": "content",
                        "label_zh": "通报内容(可疑客户、疑似被骗客户、诈骗手法)",
                        "label_en": "Content (suspicious customers, likely victims, method)",
                        "type": "textarea",
                        "required": True,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "report_head_office",
                "title_zh": "向总行报送重要事项报告",
                "title_en": "File the important-matter report to head office",
                "guidance_zh": (
                    "向总行报送重要事项报告,除事件描述外,应包括钓鱼网站具体地址等信息。"
                ),
                "guidance_en": (
                    "File the important-matter report to head office; besides the "
                    "description it must give the phishing site's exact address."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": True,
                "deadline_minutes": MINUTES_ONE_DAY,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "report",
                        "label_zh": "重要事项报告",
                        "label_en": "Important-matter report",
                        "type": "file",
                        "required": True,
                    },
                    {
                        "name": "phishing_url",
                        "label_zh": "钓鱼网站具体地址",
                        "label_en": "Phishing site address",
                        "type": "url",
                        "required": True,
                    },
                    {
                        "name": "payee_account",
                        "label_zh": "收款人账户信息(户名、账号、开户行)",
                        "label_en": "Payee's account (name, number, bank)",
                        "type": "textarea",
                        "required": False,
                    },
                    {
                        "name": "amount_lost",
                        "label_zh": "被骗金额(元)",
                        "label_en": "Amount lost (CNY)",
                        "type": "amount",
                        "required": True,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "watch_list_nomination",
                "title_zh": "申请将收款人客户纳入运营关注名单",
                "title_en": "Nominate the payee customers for the watch list",
                "guidance_zh": "向总行申请将事项涉及的收款人客户纳入运营关注名单。",
                "guidance_en": (
                    "Ask head office to add the payee customers involved to the "
                    "operations watch list."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_ONE_DAY,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "parties",
                        "label_zh": "拟纳入名单的客户、账户、证件号码、手机号",
                        "label_en": "Customers, accounts, ID and phone numbers nominated",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "application_reference",
                        "label_zh": "申请编号",
                        "label_en": "Application reference",
                        "type": "text",
                        "required": False,
                    },
                ],
            },
            {
                "level": "head_office",
                "code": "suspicious_account_control",
                "title_zh": "分析并控制可疑关联账户(收款行为我行的)",
                "title_en": (
                    "Analyse and control suspicious linked accounts (if the payee "
                    "bank is this bank)"
                ),
                "guidance_zh": (
                    "诈骗收款行为我行的,按电信欺诈的方法采集交易流水,对关联可疑"
                    "账户通知开户分行甄别止付,并将客户纳入运营关注名单;收款行非"
                    "我行的,标记为不适用并说明原因。"
                ),
                "guidance_en": (
                    "If the payee bank is this bank, analyse and control the "
                    "accounts as for telecom fraud: collect the histories, have "
                    "the opening sub-branch screen and stop linked accounts, add "
                    "the customers to the watch list. Otherwise mark not applicable."
                ),
                "owner_role": "head_office_monitor",
                "mandatory": True,
                "conditional": True,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_TWO_DAYS,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "data_request_reference",
                        "label_zh": "科技数据采集需求编号",
                        "label_en": "IT data-collection request reference",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "linked_accounts",
                        "label_zh": "发现的可疑关联账户",
                        "label_en": "Suspicious linked accounts found",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "sub_branches_notified",
                        "label_zh": "已通知开户分行甄别止付",
                        "label_en": "Opening sub-branches told to screen and stop",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "added_to_watch_list",
                        "label_zh": "已纳入运营关注名单",
                        "label_en": "Added to the watch list",
                        "type": "bool",
                        "required": True,
                    },
                ],
            },
            {
                "level": "head_office",
                "code": "phishing_takedown",
                "title_zh": "报送钓鱼网站信息并跟踪处置",
                "title_en": "Report the phishing site and track its takedown",
                "guidance_zh": (
                    "将分行上报的钓鱼网站信息及时报送总行数据管理中心和集团信息"
                    "安全部,并抄送相关部门阅知;跟踪钓鱼网站处置方案及完成情况。"
                ),
                "guidance_en": (
                    "Send the phishing site reported by the sub-branch to the "
                    "data-management centre and the group information-security "
                    "department at once, copying the departments concerned; track "
                    "the takedown until it is done."
                ),
                "owner_role": "head_office_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                # A live phishing site keeps harvesting victims: days, not weeks.
                "deadline_minutes": MINUTES_THREE_DAYS,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "phishing_url",
                        "label_zh": "钓鱼网站地址",
                        "label_en": "Phishing site address",
                        "type": "url",
                        "required": True,
                    },
                    {
                        "name": "reported_at",
                        "label_zh": "报送数据管理中心及信息安全部时间",
                        "label_en": "Sent to data management and info-security at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "takedown_status",
                        "label_zh": "处置情况",
                        "label_en": "Takedown status",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["in_progress", "处置中", "In progress"],
                            ["taken_down", "已关停或拦截", "Taken down or blocked"],
                            ["not_possible", "无法处置", "Could not be taken down"],
                        ],
                    },
                    {
                        "name": "taken_down_at",
                        "label_zh": "处置完成时间",
                        "label_en": "Taken down at",
                        "type": "datetime",
                        "required": False,
                    },
                ],
            },
        ],
    },
    # ------------------------------------------------------------------
    # T3 银行卡密码被测录
    # ------------------------------------------------------------------
    {
        "code": "card_skimming",
        "group": "against_customer",
        "name_zh": "银行卡密码被测录",
        "name_en": "Card skimmed / PIN captured",
        "description_zh": ("客户借记卡被克隆、密码被测录,账户资金通过ATM、网银等渠道被盗用。"),
        "description_en": (
            "The customer's debit card was cloned and its PIN captured, and money "
            "was taken through ATMs, online banking or other channels."
        ),
        "steps": [
            {
                "level": "branch",
                "code": "police_report",
                "title_zh": "协助客户报警并挂失银行卡",
                "title_en": "Assist the customer to report to the police and block the card",
                "guidance_zh": (
                    "安抚客户情绪,建议并协助客户报警。协助客户办理银行卡口头挂失"
                    "或正式挂失,防止资金继续被盗。"
                ),
                "guidance_en": (
                    "Calm the customer, advise and help them to report to the "
                    "police. Help them place a verbal or formal loss report on the "
                    "card so that no more money can be taken."
                ),
                "owner_role": "teller",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "reported_at",
                        "label_zh": "报警时间",
                        "label_en": "Reported to the police at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "police_station",
                        "label_zh": "接警单位(派出所)",
                        "label_en": "Police station",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "police_receipt_no",
                        "label_zh": "报警回执编号",
                        "label_en": "Police report reference",
                        "type": "text",
                        "required": False,
                    },
                    {
                        "name": "loss_report",
                        "label_zh": "银行卡挂失",
                        "label_en": "Loss report on the card",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["none", "未挂失", "None"],
                            ["verbal", "口头挂失", "Verbal loss report"],
                            ["formal", "正式挂失", "Formal loss report"],
                        ],
                    },
                ],
            },
            {
                "level": "branch",
                "code": "transaction_history",
                "title_zh": "查询客户账户流水及被盗渠道",
                "title_en": (
                    "Pull the customer's transaction history and identify how the money was taken"
                ),
                "guidance_zh": (
                    "查询客户账户流水,确认资金被盗的时间、金额、渠道(ATM、网银等)"
                    "及交易地点或收款账户。收款账户开在本网点的,立即进行账户控制"
                    "并报送分行。"
                ),
                "guidance_en": (
                    "Pull the customer's transaction history and establish when, "
                    "how much and through which channel (ATM, online banking...) "
                    "the money was taken, and where or to which account. If a "
                    "payee account was opened at this branch, control it at once "
                    "and report to the sub-branch."
                ),
                "owner_role": "teller",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "statement",
                        "label_zh": "账户流水",
                        "label_en": "Transaction history",
                        "type": "file",
                        "required": True,
                    },
                    {
                        "name": "theft_channel",
                        "label_zh": "资金被盗渠道",
                        "label_en": "Channel through which the money was taken",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["atm", "ATM", "ATM"],
                            ["online_banking", "网上银行", "Online banking"],
                            ["counter", "柜面", "Counter"],
                            ["pos", "POS", "POS"],
                            ["other", "其他", "Other"],
                        ],
                    },
                    {
                        "name": "payee_account",
                        "label_zh": "收款账号或取款地点(如有)",
                        "label_en": "Payee account or withdrawal location (if any)",
                        "type": "text",
                        "required": False,
                    },
                    {
                        "name": "amount_lost",
                        "label_zh": "被盗金额(元)",
                        "label_en": "Amount taken (CNY)",
                        "type": "amount",
                        "required": True,
                    },
                ],
            },
            {
                "level": "branch",
                "code": "stop_payment",
                "title_zh": "对收款账户止付(如有)",
                "title_en": "Stop payment on the receiving account (if any)",
                "guidance_zh": (
                    "被盗资金转入本行账户的,立即提交止付申请报分行审批;通过ATM"
                    "取现或收款账户不在本行的,标记为不适用并说明原因。"
                ),
                "guidance_en": (
                    "If the stolen money went to an account at this bank, request "
                    "a stop-payment for the sub-branch to approve at once. If it "
                    "was withdrawn in cash or went to another bank, mark this step "
                    "not applicable."
                ),
                "owner_role": "teller",
                "mandatory": True,
                "conditional": True,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "action",
                        "label_zh": "控制措施",
                        "label_en": "Action taken",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["stop_payment", "止付", "Stop-payment"],
                            ["reversal", "冲正", "Reversal"],
                        ],
                    },
                    {
                        "name": "account_number",
                        "label_zh": "止付/冲正账号",
                        "label_en": "Account stopped or reversed",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "amount",
                        "label_zh": "止付/冲正金额(元)",
                        "label_en": "Amount stopped or reversed (CNY)",
                        "type": "amount",
                        "required": True,
                    },
                    {
                        "name": "request_reference",
                        "label_zh": "申请编号",
                        "label_en": "Request reference",
                        "type": "text",
                        "required": False,
                    },
                ],
            },
            {
                "level": "branch",
                "code": "phone_report",
                "title_zh": "电话紧急报告分行并报送重要事项报告",
                "title_en": (
                    "Phone the sub-branch urgently, then file the important-matter report"
                ),
                "guidance_zh": (
                    "对于紧急情况,先向分行运营监控电话说明情况(含资金被盗渠道),"
                    "再报送书面重要事项报告。"
                ),
                "guidance_en": (
                    "In an emergency, first phone the sub-branch's operations "
                    "monitors (giving the channel through which the money was "
                    "taken), then file the written important-matter report."
                ),
                "owner_role": "branch_manager",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": True,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "phoned_at",
                        "label_zh": "电话报告时间",
                        "label_en": "Phoned at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "sub_branch_contact",
                        "label_zh": "分行接听人",
                        "label_en": "Sub-branch contact",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "summary",
                        "label_zh": "情况说明",
                        "label_en": "Summary",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "written_report",
                        "label_zh": "重要事项报告(书面)",
                        "label_en": "Written important-matter report",
                        "type": "file",
                        "required": False,
                    },
                ],
            },
            {
                "level": "branch",
                "code": "cooperate_police",
                "title_zh": "配合公安机关调查",
                "title_en": "Cooperate with the police investigation",
                "guidance_zh": (
                    "配合当地公安机关调查案件,按要求提供交易流水、ATM监控录像等,并记录提供情况。"
                ),
                "guidance_en": (
                    "Cooperate with the local police investigation: provide the "
                    "transaction records and ATM CCTV footage they ask for, and "
                    "record what was provided."
                ),
                "owner_role": "teller",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                # Investigations take weeks; escalation never waits for this.
                "deadline_minutes": MINUTES_THIRTY_DAYS,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "police_case_no",
                        "label_zh": "公安立案编号",
                        "label_en": "Police case number",
                        "type": "text",
                        "required": False,
                    },
                    {
                        "name": "materials_provided",
                        "label_zh": "已提供资料",
                        "label_en": "Materials provided",
                        "type": "textarea",
                        "required": True,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "account_control",
                "title_zh": "控制收款账户及涉案账户",
                "title_en": "Control the receiving and linked accounts",
                "guidance_zh": (
                    "收款行为辖内支行的,指导支行对账户止付;收款行跨分行的,电话"
                    "联系该分行监控人员并发邮件请其协助止付,同时抄送总行运营监控。"
                    "收到其他分行协助邮件时,立即调查并止付相关账户,同时抄送总行"
                    "运营监控。资金以ATM取现方式被盗的,记录无可控账户。"
                ),
                "guidance_en": (
                    "Receiving account in a branch of this region: instruct that "
                    "branch to stop payment. In another region: phone that "
                    "sub-branch's monitors and email a written assistance "
                    "request, copying head office. On receiving such a request, "
                    "investigate and control the accounts at once, copying head "
                    "office. If the money was withdrawn in cash, record that."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_ACCOUNT_CONTROL,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "payee_location",
                        "label_zh": "收款账户所在",
                        "label_en": "Where the receiving account is held",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["this_region", "本分行辖内", "In this region"],
                            ["other_region", "其他分行辖内", "In another region"],
                            ["other_bank", "他行", "At another bank"],
                            ["cash", "ATM取现,无收款账户", "Cash withdrawal, no account"],
                        ],
                    },
                    {
                        "name": "accounts_controlled",
                        "label_zh": "已止付账户",
                        "label_en": "Accounts stopped",
                        "type": "textarea",
                        "required": False,
                    },
                    {
                        "name": "assistance_requested_at",
                        "label_zh": "跨分行协助邮件发送时间",
                        "label_en": "Cross-region assistance request sent at",
                        "type": "datetime",
                        "required": False,
                    },
                    {
                        "name": "head_office_copied",
                        "label_zh": "已抄送总行运营监控",
                        "label_en": "Head-office monitors copied",
                        "type": "bool",
                        "required": True,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "department_linkage",
                "title_zh": "部门联动:报告保卫部及零售条线",
                "title_en": (
                    "Department linkage: inform the security department and the retail line"
                ),
                "guidance_zh": (
                    "报告分行保卫部,根据保卫部建议指导支行报案;报告分行零售条线"
                    "知晓事件;如涉及我行被诉讼,还应报告分行法律部门、办公室等"
                    "相关部门。"
                ),
                "guidance_en": (
                    "Inform the sub-branch security department and, on its "
                    "advice, have the branch file a police case; inform the "
                    "retail line. If the bank is being sued, also inform the "
                    "legal department and the office."
                ),
                "owner_role": "sub_branch_security",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_DEPARTMENT_LINKAGE,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "security_advice",
                        "label_zh": "保卫部意见",
                        "label_en": "Security department's advice",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "retail_line_informed",
                        "label_zh": "已报告零售条线",
                        "label_en": "Retail line informed",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "bank_sued",
                        "label_zh": "是否涉及我行被诉讼",
                        "label_en": "Bank is being sued",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "legal_informed",
                        "label_zh": "已报告法律部门、办公室",
                        "label_en": "Legal department and office informed",
                        "type": "bool",
                        "required": False,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "compliance_review",
                "title_zh": "检视支行业务办理合规性",
                "title_en": "Review the branch's handling for compliance",
                "guidance_zh": (
                    "指导支行调取客户开户、发卡等业务相关资料并妥善保管,检视柜员"
                    "业务办理的合规性以及相关风险是否向客户提示到位。"
                ),
                "guidance_en": (
                    "Have the branch retrieve and keep the account-opening and "
                    "card-issuing documents; review whether the teller followed "
                    "procedure and warned the customer of the risk."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                # Document retrieval and review: a few working days, not minutes.
                "deadline_minutes": MINUTES_THREE_DAYS,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "documents_retained",
                        "label_zh": "业务资料已调取并保管",
                        "label_en": "Documents retrieved and kept",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "procedure_followed",
                        "label_zh": "业务办理是否合规",
                        "label_en": "Procedure followed",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["yes", "合规", "Yes"],
                            ["partly", "部分不合规", "Partly"],
                            ["no", "不合规", "No"],
                        ],
                    },
                    {
                        "name": "customer_warned",
                        "label_zh": "风险是否提示到位",
                        "label_en": "Customer warned of the risk",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["yes", "提示到位", "Yes"],
                            ["insufficient", "提示不到位", "Insufficiently"],
                            ["no", "未提示", "No"],
                        ],
                    },
                    {
                        "name": "findings",
                        "label_zh": "检视结论",
                        "label_en": "Findings",
                        "type": "textarea",
                        "required": True,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "share_in_region",
                "title_zh": "辖内共享:向辖内网点通报",
                "title_en": "Share within the region: alert all branches",
                "guidance_zh": (
                    "向辖内网点通报相关事项,指导网点关注可疑客户、疑似被骗客户"
                    "以及诈骗分子的作案方式(如ATM加装测录设备)等。"
                ),
                "guidance_en": (
                    "Alert all branches of the region and tell them to watch for "
                    "the suspicious customers, likely victims and the method "
                    "(e.g. skimming devices fitted to ATMs)."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_SHARE_IN_REGION,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "shared_at",
                        "label_zh": "通报时间",
                        "label_en": "Shared at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "channel",
                        "label_zh": "通报渠道",
                        "label_en": "Channel",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["wechat_group", "营业部经理微信群", "Branch managers' group chat"],
                            ["email", "邮件", "Email"],
                            ["notice", "书面通报", "Written notice"],
                            ["other", "其他", "Other"],
                        ],
                    },
                    {
                        "name": "content",
                        "label_zh": "通报内容(可疑客户、疑似被骗客户、作案手法)",
                        "label_en": "Content (suspicious customers, likely victims, method)",
                        "type": "textarea",
                        "required": True,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "report_head_office",
                "title_zh": "向总行报送重要事项报告",
                "title_en": "File the important-matter report to head office",
                "guidance_zh": ("向总行报送重要事项报告,除事件描述外,应包括资金被盗渠道等信息。"),
                "guidance_en": (
                    "File the important-matter report to head office; besides the "
                    "description it must give the channel through which the money "
                    "was taken."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": True,
                "deadline_minutes": MINUTES_ONE_DAY,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "report",
                        "label_zh": "重要事项报告",
                        "label_en": "Important-matter report",
                        "type": "file",
                        "required": True,
                    },
                    {
                        "name": "theft_channel",
                        "label_zh": "资金被盗渠道",
                        "label_en": "Channel through which the money was taken",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["atm", "ATM", "ATM"],
                            ["online_banking", "网上银行", "Online banking"],
                            ["counter", "柜面", "Counter"],
                            ["pos", "POS", "POS"],
                            ["other", "其他", "Other"],
                        ],
                    },
                    {
                        "name": "card_number",
                        "label_zh": "被盗卡号",
                        "label_en": "Card number",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "amount_lost",
                        "label_zh": "被盗金额(元)",
                        "label_en": "Amount taken (CNY)",
                        "type": "amount",
                        "required": True,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "watch_list_nomination",
                "title_zh": "申请将收款人客户纳入运营关注名单",
                "title_en": "Nominate the payee customers for the watch list",
                "guidance_zh": (
                    "向总行申请将事项涉及的收款人客户纳入运营关注名单;资金以取现"
                    "方式被盗、无收款人的,记录原因。"
                ),
                "guidance_en": (
                    "Ask head office to add the payee customers involved to the "
                    "operations watch list; if the money was withdrawn in cash and "
                    "there is no payee, record that."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_ONE_DAY,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "parties",
                        "label_zh": "拟纳入名单的客户、账户、证件号码、手机号",
                        "label_en": "Customers, accounts, ID and phone numbers nominated",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "application_reference",
                        "label_zh": "申请编号",
                        "label_en": "Application reference",
                        "type": "text",
                        "required": False,
                    },
                ],
            },
            {
                "level": "head_office",
                "code": "suspicious_account_control",
                "title_zh": "分析并控制可疑关联账户(收款行为我行的)",
                "title_en": (
                    "Analyse and control suspicious linked accounts (if the payee "
                    "bank is this bank)"
                ),
                "guidance_zh": (
                    "诈骗收款行为我行的,按电信欺诈的方法采集交易流水,对关联可疑"
                    "账户通知开户分行甄别止付,并将客户纳入运营关注名单;资金以取现"
                    "方式被盗或收款行非我行的,标记为不适用并说明原因。"
                ),
                "guidance_en": (
                    "If the money went to an account at this bank, analyse and "
                    "control the accounts as for telecom fraud. If it was withdrawn "
                    "in cash or went to another bank, mark not applicable."
                ),
                "owner_role": "head_office_monitor",
                "mandatory": True,
                "conditional": True,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_TWO_DAYS,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "data_request_reference",
                        "label_zh": "科技数据采集需求编号",
                        "label_en": "IT data-collection request reference",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "linked_accounts",
                        "label_zh": "发现的可疑关联账户",
                        "label_en": "Suspicious linked accounts found",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "sub_branches_notified",
                        "label_zh": "已通知开户分行甄别止付",
                        "label_en": "Opening sub-branches told to screen and stop",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "added_to_watch_list",
                        "label_zh": "已纳入运营关注名单",
                        "label_en": "Added to the watch list",
                        "type": "bool",
                        "required": True,
                    },
                ],
            },
            {
                "level": "head_office",
                "code": "unionpay_inquiry",
                "title_zh": "联动零售部门请银联协查IP地址及ATM地址",
                "title_en": (
                    "Have retail ask UnionPay for the IP addresses and ATM locations used"
                ),
                "guidance_zh": (
                    "及时将重要事项报告转发总行零售相关部门,请其联系银联协助调查"
                    "客户资金被盗取涉及的IP地址、ATM地址等,并跟踪处置结果。"
                ),
                "guidance_en": (
                    "Forward the important-matter report to the head-office retail "
                    "departments, have them ask UnionPay for the IP addresses and "
                    "ATM locations used to take the money, and track the answer."
                ),
                "owner_role": "head_office_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                # Depends on UnionPay's answer, which usually takes days.
                "deadline_minutes": MINUTES_TWO_WEEKS,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "forwarded_at",
                        "label_zh": "转发零售部门时间",
                        "label_en": "Forwarded to retail at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "ip_addresses",
                        "label_zh": "涉及IP地址",
                        "label_en": "IP addresses used",
                        "type": "textarea",
                        "required": False,
                    },
                    {
                        "name": "atm_locations",
                        "label_zh": "涉及ATM地址",
                        "label_en": "ATM locations used",
                        "type": "textarea",
                        "required": False,
                    },
                    {
                        "name": "result",
                        "label_zh": "银联协查结果",
                        "label_en": "UnionPay's answer",
                        "type": "textarea",
                        "required": True,
                    },
                ],
            },
        ],
    },
    # ------------------------------------------------------------------
    # T4 假信用卡
    # ------------------------------------------------------------------
    {
        "code": "fake_credit_card",
        "group": "against_customer",
        "name_zh": "假信用卡",
        "name_en": "Fake credit card",
        "description_zh": "客户被骗办理我行假信用卡,被骗支付相关费用。",
        "description_en": (
            "The customer was deceived into applying for a fake credit card of "
            "this bank and paid fees for it."
        ),
        "steps": [
            {
                "level": "branch",
                "code": "police_report",
                "title_zh": "告知客户系假卡并协助客户持卡报警",
                "title_en": (
                    "Tell the customer the card is fake and help them report to the police with it"
                ),
                "guidance_zh": "告知客户该信用卡为假信用卡,建议并协助客户持卡报案。",
                "guidance_en": (
                    "Tell the customer the credit card is fake; advise and help "
                    "them to report it to the police, taking the card with them."
                ),
                "owner_role": "teller",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "reported_at",
                        "label_zh": "报警时间",
                        "label_en": "Reported to the police at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "police_station",
                        "label_zh": "接警单位(派出所)",
                        "label_en": "Police station",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "police_receipt_no",
                        "label_zh": "报警回执编号",
                        "label_en": "Police report reference",
                        "type": "text",
                        "required": False,
                    },
                ],
            },
            {
                "level": "branch",
                "code": "payee_info",
                "title_zh": "了解诈骗收款人信息",
                "title_en": "Find out who received the fees",
                "guidance_zh": (
                    "向客户了解被骗资金的支付方式、金额及收款人,确认收款行是否涉及我行。"
                ),
                "guidance_en": (
                    "Ask the customer how much was paid, how and to whom, and "
                    "establish whether the payee's bank is this bank."
                ),
                "owner_role": "teller",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "payee_at_this_bank",
                        "label_zh": "收款行是否为我行",
                        "label_en": "Payee's bank is this bank",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["yes", "是", "Yes"],
                            ["no", "否", "No"],
                            ["unknown", "不详", "Unknown"],
                        ],
                    },
                    {
                        "name": "payee_account",
                        "label_zh": "收款人账户信息(户名、账号、开户行)",
                        "label_en": "Payee's account (name, number, bank)",
                        "type": "textarea",
                        "required": False,
                    },
                    {
                        "name": "fees_paid",
                        "label_zh": "被骗支付费用(元)",
                        "label_en": "Fees paid (CNY)",
                        "type": "amount",
                        "required": True,
                    },
                ],
            },
            {
                "level": "branch",
                "code": "confiscate_card",
                "title_zh": "没收假卡交警方处理并留存复印件",
                "title_en": ("Confiscate the fake card, hand it to the police and keep a copy"),
                "guidance_zh": "没收假信用卡,交由警方处理,并留存假信用卡复印件。",
                "guidance_en": (
                    "Confiscate the fake credit card, hand it to the police and "
                    "keep a copy (scan or photo) of both sides."
                ),
                "owner_role": "teller",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "card_copy",
                        "label_zh": "假信用卡复印件",
                        "label_en": "Copy of the fake card",
                        "type": "file",
                        "required": True,
                    },
                    {
                        "name": "card_number_shown",
                        "label_zh": "卡面号码",
                        "label_en": "Number printed on the card",
                        "type": "text",
                        "required": False,
                    },
                    {
                        "name": "handed_to_police",
                        "label_zh": "已交由警方处理",
                        "label_en": "Handed to the police",
                        "type": "bool",
                        "required": True,
                    },
                ],
            },
            {
                "level": "branch",
                "code": "report_sub_branch",
                "title_zh": "向分行报送重要事项报告",
                "title_en": "Report the important matter to the sub-branch",
                "guidance_zh": "向分行报送重要事项报告,附假信用卡复印件。",
                "guidance_en": (
                    "File the important-matter report to the sub-branch, with the "
                    "copy of the fake card."
                ),
                "owner_role": "branch_manager",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": True,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "reported_at",
                        "label_zh": "报告时间",
                        "label_en": "Reported at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "sub_branch_contact",
                        "label_zh": "分行接收人",
                        "label_en": "Sub-branch contact",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "summary",
                        "label_zh": "情况说明",
                        "label_en": "Summary",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "report",
                        "label_zh": "重要事项报告",
                        "label_en": "Important-matter report",
                        "type": "file",
                        "required": False,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "account_control",
                "title_zh": "控制诈骗收款账户(如有)",
                "title_en": "Control the fraud payee account (if any)",
                "guidance_zh": (
                    "诈骗收款行为我行的,按电信欺诈的处理方法指导支行进行账户控制;"
                    "收款行非我行的,标记为不适用并说明原因。"
                ),
                "guidance_en": (
                    "If the payee bank is this bank, have the branch control the "
                    "account as for telecom fraud (in region: instruct the branch; "
                    "other region: request assistance, copying head office). "
                    "Otherwise mark not applicable."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": True,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_ACCOUNT_CONTROL,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "payee_location",
                        "label_zh": "收款账户所在",
                        "label_en": "Where the payee account is held",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["this_region", "本分行辖内", "In this region"],
                            ["other_region", "其他分行辖内", "In another region"],
                        ],
                    },
                    {
                        "name": "accounts_controlled",
                        "label_zh": "已止付账户",
                        "label_en": "Accounts stopped",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "head_office_copied",
                        "label_zh": "已抄送总行运营监控",
                        "label_en": "Head-office monitors copied",
                        "type": "bool",
                        "required": True,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "share_in_region",
                "title_zh": "辖内共享:向辖内网点通报",
                "title_en": "Share within the region: alert all branches",
                "guidance_zh": (
                    "向辖内网点通报相关事项,指导网点关注疑似被骗客户以及诈骗分子的诈骗方式等。"
                ),
                "guidance_en": (
                    "Alert all branches of the region and tell them to watch for "
                    "likely victims and the fraudsters' method."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_SHARE_IN_REGION,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "shared_at",
                        "label_zh": "通报时间",
                        "label_en": "Shared at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "channel",
                        "label_zh": "通报渠道",
                        "label_en": "Channel",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["wechat_group", "营业部经理微信群", "Branch managers' group chat"],
                            ["email", "邮件", "Email"],
                            ["notice", "书面通报", "Written notice"],
                            ["other", "其他", "Other"],
                        ],
                    },
                    {
                        "name": "content",
                        "label_zh": "通报内容(疑似被骗客户、诈骗手法)",
                        "label_en": "Content (likely victims, method)",
                        "type": "textarea",
                        "required": True,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "report_head_office",
                "title_zh": "向总行报送重要事项报告",
                "title_en": "File the important-matter report to head office",
                "guidance_zh": (
                    "向总行报送重要事项报告,报告中应包括假信用卡复印件以及假信用卡识别点。"
                ),
                "guidance_en": (
                    "File the important-matter report to head office with the copy "
                    "of the fake card and how to recognise it."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": True,
                "deadline_minutes": MINUTES_ONE_DAY,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "report",
                        "label_zh": "重要事项报告",
                        "label_en": "Important-matter report",
                        "type": "file",
                        "required": True,
                    },
                    {
                        "name": "card_copy",
                        "label_zh": "假信用卡复印件",
                        "label_en": "Copy of the fake card",
                        "type": "file",
                        "required": True,
                    },
                    {
                        "name": "recognition_points",
                        "label_zh": "假信用卡识别点",
                        "label_en": "How to recognise the fake card",
                        "type": "textarea",
                        "required": True,
                    },
                ],
            },
            {
                "level": "head_office",
                "code": "notify_card_centre",
                "title_zh": "报送信用卡中心并跟进处理结果",
                "title_en": "Notify the credit-card centre and follow up its result",
                "guidance_zh": ("将重要事项相关信息通知信用卡中心,并跟进信用卡中心的解决结果。"),
                "guidance_en": (
                    "Send the case to the credit-card centre and follow up until it "
                    "reports what it has done."
                ),
                "owner_role": "head_office_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                # Notify at once; the step closes when the centre's result is in.
                "deadline_minutes": MINUTES_THREE_DAYS,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "notified_at",
                        "label_zh": "通知信用卡中心时间",
                        "label_en": "Credit-card centre notified at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "card_centre_contact",
                        "label_zh": "信用卡中心联系人",
                        "label_en": "Credit-card centre contact",
                        "type": "text",
                        "required": False,
                    },
                    {
                        "name": "result",
                        "label_zh": "信用卡中心处理结果",
                        "label_en": "Credit-card centre's result",
                        "type": "textarea",
                        "required": True,
                    },
                ],
            },
            {
                "level": "head_office",
                "code": "suspicious_account_control",
                "title_zh": "分析并控制可疑关联账户(如有)",
                "title_en": "Analyse and control suspicious linked accounts (if any)",
                "guidance_zh": (
                    "诈骗收款行为我行的,按电信欺诈的方法进行账户分析和控制;收款行"
                    "非我行的,标记为不适用并说明原因。"
                ),
                "guidance_en": (
                    "If the payee bank is this bank, analyse and control the "
                    "accounts as for telecom fraud. Otherwise mark not applicable."
                ),
                "owner_role": "head_office_monitor",
                "mandatory": True,
                "conditional": True,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_TWO_DAYS,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "data_request_reference",
                        "label_zh": "科技数据采集需求编号",
                        "label_en": "IT data-collection request reference",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "linked_accounts",
                        "label_zh": "发现的可疑关联账户",
                        "label_en": "Suspicious linked accounts found",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "sub_branches_notified",
                        "label_zh": "已通知开户分行甄别止付",
                        "label_en": "Opening sub-branches told to screen and stop",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "added_to_watch_list",
                        "label_zh": "已纳入运营关注名单",
                        "label_en": "Added to the watch list",
                        "type": "bool",
                        "required": True,
                    },
                ],
            },
        ],
    },
    # ------------------------------------------------------------------
    # T5 堵截假客户
    # ------------------------------------------------------------------
    {
        "code": "impostor_customer",
        "group": "against_bank",
        "name_zh": "堵截假客户",
        "name_en": "Impostor customer intercepted",
        "description_zh": (
            "客户持非本人身份证件办理开户、现金存取款、转账等业务,支行核实身份"
            "证件为真,但客户本人与证件不符。"
        ),
        "description_en": (
            "A person presented someone else's genuine ID document to open an "
            "account, deposit or withdraw cash or transfer money, and the branch "
            "found they were not its holder."
        ),
        "steps": [
            {
                "level": "branch",
                "code": "refuse_business",
                "title_zh": "拒绝为客户办理业务",
                "title_en": "Refuse the business",
                "guidance_zh": (
                    "核实身份证件为真但客户本人与证件不符的,拒绝为其办理业务,"
                    "记录所持证件信息及核实依据。"
                ),
                "guidance_en": (
                    "The ID is genuine but the person is not its holder: refuse "
                    "the business and record the ID presented and why the branch "
                    "concluded it was not theirs."
                ),
                "owner_role": "teller",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "business_type",
                        "label_zh": "申请办理的业务",
                        "label_en": "Business requested",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["account_opening", "开户", "Account opening"],
                            ["cash_deposit", "现金存款", "Cash deposit"],
                            ["cash_withdrawal", "现金取款", "Cash withdrawal"],
                            ["transfer", "转账", "Transfer"],
                            ["other", "其他", "Other"],
                        ],
                    },
                    {
                        "name": "id_number",
                        "label_zh": "所持证件号码",
                        "label_en": "ID number presented",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "findings",
                        "label_zh": "核实情况(人证不符的依据)",
                        "label_en": "Why the person is not the holder",
                        "type": "textarea",
                        "required": True,
                    },
                ],
            },
            {
                "level": "branch",
                "code": "report_sub_branch",
                "title_zh": "向分行报送重要事项报告",
                "title_en": "Report the important matter to the sub-branch",
                "guidance_zh": "向分行报送重要事项报告,说明堵截经过及可疑人员特征。",
                "guidance_en": (
                    "File the important-matter report to the sub-branch: how the "
                    "impostor was stopped and what they looked like."
                ),
                "owner_role": "branch_manager",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": True,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "reported_at",
                        "label_zh": "报告时间",
                        "label_en": "Reported at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "sub_branch_contact",
                        "label_zh": "分行接收人",
                        "label_en": "Sub-branch contact",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "summary",
                        "label_zh": "情况说明",
                        "label_en": "Summary",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "report",
                        "label_zh": "重要事项报告",
                        "label_en": "Important-matter report",
                        "type": "file",
                        "required": False,
                    },
                ],
            },
            {
                "level": "branch",
                "code": "police_report",
                "title_zh": "根据分行指示向当地公安机关报案",
                "title_en": "Report to the police (per sub-branch instruction)",
                "guidance_zh": (
                    "根据分行指导,向当地公安机关报案。分行指示无需报案的,标记为不适用并注明指示。"
                ),
                "guidance_en": (
                    "Report the case to the local police when the sub-branch "
                    "instructs it. If the sub-branch says no report is needed, "
                    "mark this step not applicable and quote the instruction."
                ),
                "owner_role": "branch_manager",
                "mandatory": True,
                "conditional": True,
                "awaits_instruction": True,
                "reports_up": False,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "instructed",
                "evidence": [
                    {
                        "name": "reported_at",
                        "label_zh": "报案时间",
                        "label_en": "Reported to the police at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "police_station",
                        "label_zh": "接警单位(派出所)",
                        "label_en": "Police station",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "police_receipt_no",
                        "label_zh": "报案回执编号",
                        "label_en": "Police report reference",
                        "type": "text",
                        "required": False,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "share_in_region",
                "title_zh": "辖内共享:1小时内在营业部经理微信群通报",
                "title_en": (
                    "Share within the region: alert the branch managers' group within the hour"
                ),
                "guidance_zh": (
                    "分行收到支行堵截报告后,1小时内在支行营业部经理微信群内共享"
                    "堵截信息(可疑人员、所持证件及作案手法)。"
                ),
                "guidance_en": (
                    "Within one hour of the branch's report, post the interception "
                    "(the person, the ID used and the method) to the branch "
                    "managers' group chat."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_SHARE_IN_REGION,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "shared_at",
                        "label_zh": "通报时间",
                        "label_en": "Shared at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "channel",
                        "label_zh": "通报渠道",
                        "label_en": "Channel",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["wechat_group", "营业部经理微信群", "Branch managers' group chat"],
                            ["email", "邮件", "Email"],
                            ["notice", "书面通报", "Written notice"],
                            ["other", "其他", "Other"],
                        ],
                    },
                    {
                        "name": "content",
                        "label_zh": "通报内容(可疑人员、证件、作案手法)",
                        "label_en": "Content (person, ID used, method)",
                        "type": "textarea",
                        "required": True,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "report_head_office",
                "title_zh": "核实情况后向总行报送重要事项报告",
                "title_en": "Verify with the branch and report to head office",
                "guidance_zh": (
                    "与支行核实事项具体情况,向总行报送重要事项报告;零售业务相关的,可按月汇总报送。"
                ),
                "guidance_en": (
                    "Verify the facts with the branch and file the important-matter "
                    "report to head office; retail-related cases may be batched "
                    "into the monthly report."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": True,
                "deadline_minutes": MINUTES_ONE_DAY,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "verified_with_branch",
                        "label_zh": "已与支行核实",
                        "label_en": "Verified with the branch",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "monthly_batch",
                        "label_zh": "零售业务按月汇总报送",
                        "label_en": "Batched into the monthly retail report",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "report",
                        "label_zh": "重要事项报告",
                        "label_en": "Important-matter report",
                        "type": "file",
                        "required": False,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "watch_list_nomination",
                "title_zh": "申请将涉及客户纳入运营关注名单",
                "title_en": "Nominate the persons involved for the watch list",
                "guidance_zh": "向总行申请将涉及客户纳入运营关注名单。",
                "guidance_en": (
                    "Ask head office to add the persons involved to the operations watch list."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_ONE_DAY,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "parties",
                        "label_zh": "拟纳入名单的人员、证件号码、手机号",
                        "label_en": "Persons, ID and phone numbers nominated",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "application_reference",
                        "label_zh": "申请编号",
                        "label_en": "Application reference",
                        "type": "text",
                        "required": False,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "department_linkage",
                "title_zh": "部门联动:报告公司、零售条线及相关部门",
                "title_en": (
                    "Department linkage: inform the corporate and retail lines and "
                    "the departments concerned"
                ),
                "guidance_zh": (
                    "报告公司、零售条线;如涉及客户经理、理财经理、交叉销售人员"
                    "(如保险业务员等),通报相关部门了解;情节严重的,报送分行保卫部。"
                ),
                "guidance_en": (
                    "Inform the corporate and retail lines; if account managers, "
                    "wealth managers or cross-selling staff (e.g. insurance agents) "
                    "are involved, inform their departments; if serious, report to "
                    "the sub-branch security department."
                ),
                "owner_role": "sub_branch_security",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_DEPARTMENT_LINKAGE,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "lines_informed",
                        "label_zh": "已通报的条线及部门",
                        "label_en": "Lines and departments informed",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "staff_involved",
                        "label_zh": "是否涉及客户经理、理财经理、交叉销售人员",
                        "label_en": "Account, wealth or cross-selling staff involved",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "serious",
                        "label_zh": "情节严重,已报保卫部",
                        "label_en": "Serious: reported to the security department",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "security_advice",
                        "label_zh": "保卫部意见",
                        "label_en": "Security department's advice",
                        "type": "textarea",
                        "required": False,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "instruct_police_report",
                "title_zh": "根据保卫部意见指导支行报案",
                "title_en": (
                    "Instruct the branch to report to the police (per the security "
                    "department's advice)"
                ),
                "guidance_zh": (
                    "根据分行保卫部意见,指导支行向当地公安机关报案;保卫部认为无需"
                    "报案的,标记为不适用并注明意见。"
                ),
                "guidance_en": (
                    "On the sub-branch security department's advice, instruct the "
                    "branch to report to the local police; if the department "
                    "advises no report, mark not applicable and quote its advice."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": True,
                "awaits_instruction": True,
                "reports_up": False,
                "deadline_minutes": MINUTES_INSTRUCT_BRANCH,
                "deadline_from": "instructed",
                "evidence": [
                    {
                        "name": "instructed_at",
                        "label_zh": "指示支行时间",
                        "label_en": "Branch instructed at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "instruction",
                        "label_zh": "对支行的报案指示",
                        "label_en": "Instruction given to the branch",
                        "type": "textarea",
                        "required": True,
                    },
                ],
            },
            {
                "level": "head_office",
                "code": "maintain_watch_list",
                "title_zh": "与分行确认后维护运营关注名单",
                "title_en": "Confirm with the sub-branch and maintain the watch list",
                "guidance_zh": ("与分行确认事项具体情况后,将涉及客户纳入运营关注名单。"),
                "guidance_en": (
                    "After confirming the facts with the sub-branch, add the "
                    "persons involved to the operations watch list."
                ),
                "owner_role": "head_office_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_THREE_DAYS,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "confirmed_with_sub_branch",
                        "label_zh": "已与分行确认",
                        "label_en": "Confirmed with the sub-branch",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "decision",
                        "label_zh": "名单决定",
                        "label_en": "Decision",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["added", "纳入名单", "Added"],
                            ["rejected", "不予纳入", "Not added"],
                        ],
                    },
                    {
                        "name": "entry_reference",
                        "label_zh": "名单编号",
                        "label_en": "Watch-list entry reference",
                        "type": "text",
                        "required": False,
                    },
                    {
                        "name": "reason",
                        "label_zh": "决定理由",
                        "label_en": "Reason",
                        "type": "textarea",
                        "required": False,
                    },
                ],
            },
            {
                "level": "head_office",
                "code": "report_security_dept",
                "title_zh": "报告总行保卫部(情节严重的)",
                "title_en": ("Report to the head-office security department (if serious)"),
                "guidance_zh": ("情节严重的,报送总行保卫部;情节不严重的,标记为不适用并说明理由。"),
                "guidance_en": (
                    "If the case is serious, report it to the head-office security "
                    "department; otherwise mark not applicable and say why."
                ),
                "owner_role": "head_office_security",
                "mandatory": True,
                "conditional": True,
                "awaits_instruction": False,
                "reports_up": False,
                # Not in §4: a serious case should reach security within a day.
                "deadline_minutes": MINUTES_ONE_DAY,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "reported_at",
                        "label_zh": "报送时间",
                        "label_en": "Reported at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "seriousness",
                        "label_zh": "情节严重的理由",
                        "label_en": "Why the case is serious",
                        "type": "textarea",
                        "required": True,
                    },
                ],
            },
        ],
    },
    # ------------------------------------------------------------------
    # T6 堵截假证件、假开户资料
    # ------------------------------------------------------------------
    {
        "code": "forged_documents",
        "group": "against_bank",
        "name_zh": "堵截假证件、假开户资料",
        "name_en": "Forged ID or account-opening documents intercepted",
        "description_zh": (
            "客户持假身份证件、假开户资料办理开户等业务,经支行核实,身份证件或"
            "开户资料为假(包括组织机构代码证、营业执照、法人身份证件、经办人身份"
            "证件等)。"
        ),
        "description_en": (
            "A customer presented a forged ID or forged account-opening documents "
            "(organisation code certificate, business licence, legal "
            "representative's or agent's ID) and the branch found them false."
        ),
        "steps": [
            {
                "level": "branch",
                "code": "refuse_business",
                "title_zh": "拒绝为客户办理业务",
                "title_en": "Refuse the business",
                "guidance_zh": (
                    "经核实身份证件或开户资料为假的,拒绝为客户办理业务,记录所持"
                    "证件或资料的类型及核实依据。"
                ),
                "guidance_en": (
                    "The ID or account-opening documents are forged: refuse the "
                    "business and record which documents were presented and how "
                    "the forgery was found."
                ),
                "owner_role": "teller",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "business_type",
                        "label_zh": "申请办理的业务",
                        "label_en": "Business requested",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["account_opening", "开户", "Account opening"],
                            ["cash_deposit", "现金存款", "Cash deposit"],
                            ["cash_withdrawal", "现金取款", "Cash withdrawal"],
                            ["transfer", "转账", "Transfer"],
                            ["other", "其他", "Other"],
                        ],
                    },
                    {
                        "name": "document_type",
                        "label_zh": "虚假证件或资料类型",
                        "label_en": "Forged document type",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["id_card", "身份证件", "ID card"],
                            ["org_code", "组织机构代码证", "Organisation code certificate"],
                            ["business_licence", "营业执照", "Business licence"],
                            ["legal_rep_id", "法人身份证件", "Legal representative's ID"],
                            ["agent_id", "经办人身份证件", "Agent's ID"],
                            ["other", "其他开户资料", "Other account-opening document"],
                        ],
                    },
                    {
                        "name": "findings",
                        "label_zh": "核实情况(识别为假的依据)",
                        "label_en": "How the forgery was found",
                        "type": "textarea",
                        "required": True,
                    },
                ],
            },
            {
                "level": "branch",
                "code": "confiscate_documents",
                "title_zh": "没收虚假证件、虚假资料",
                "title_en": "Confiscate the forged documents",
                "guidance_zh": "没收虚假证件、虚假开户资料,留存影像并妥善保管。",
                "guidance_en": (
                    "Confiscate the forged ID or account-opening documents, scan "
                    "them and keep them safe."
                ),
                "owner_role": "teller",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "documents",
                        "label_zh": "没收的证件及资料清单",
                        "label_en": "Documents confiscated",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "document_images",
                        "label_zh": "证件及资料影像",
                        "label_en": "Scans of the documents",
                        "type": "file",
                        "required": True,
                    },
                    {
                        "name": "id_number",
                        "label_zh": "证件号码/统一社会信用代码",
                        "label_en": "ID number or unified social credit code",
                        "type": "text",
                        "required": False,
                    },
                ],
            },
            {
                "level": "branch",
                "code": "report_sub_branch",
                "title_zh": "向分行报送重要事项报告",
                "title_en": "Report the important matter to the sub-branch",
                "guidance_zh": "向分行报送重要事项报告,说明堵截经过及虚假证件特征。",
                "guidance_en": (
                    "File the important-matter report to the sub-branch: how the "
                    "forgery was stopped and what gave it away."
                ),
                "owner_role": "branch_manager",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": True,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "reported_at",
                        "label_zh": "报告时间",
                        "label_en": "Reported at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "sub_branch_contact",
                        "label_zh": "分行接收人",
                        "label_en": "Sub-branch contact",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "summary",
                        "label_zh": "情况说明",
                        "label_en": "Summary",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "report",
                        "label_zh": "重要事项报告",
                        "label_en": "Important-matter report",
                        "type": "file",
                        "required": False,
                    },
                ],
            },
            {
                "level": "branch",
                "code": "police_report",
                "title_zh": "根据分行指示向当地公安机关报案",
                "title_en": "Report to the police (per sub-branch instruction)",
                "guidance_zh": (
                    "根据分行指导,向当地公安机关报案,并移交没收的虚假证件、资料。"
                    "分行指示无需报案的,标记为不适用并注明指示。"
                ),
                "guidance_en": (
                    "Report the case to the local police when the sub-branch "
                    "instructs it, handing over the confiscated documents. If the "
                    "sub-branch says no report is needed, mark not applicable."
                ),
                "owner_role": "branch_manager",
                "mandatory": True,
                "conditional": True,
                "awaits_instruction": True,
                "reports_up": False,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "instructed",
                "evidence": [
                    {
                        "name": "reported_at",
                        "label_zh": "报案时间",
                        "label_en": "Reported to the police at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "police_station",
                        "label_zh": "接警单位(派出所)",
                        "label_en": "Police station",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "police_receipt_no",
                        "label_zh": "报案回执编号",
                        "label_en": "Police report reference",
                        "type": "text",
                        "required": False,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "share_in_region",
                "title_zh": "辖内共享:1小时内在营业部经理微信群通报",
                "title_en": (
                    "Share within the region: alert the branch managers' group within the hour"
                ),
                "guidance_zh": (
                    "分行收到支行堵截报告后,1小时内在支行营业部经理微信群内共享"
                    "堵截信息(可疑人员、虚假证件特征及作案手法)。"
                ),
                "guidance_en": (
                    "Within one hour of the branch's report, post the interception "
                    "(the person, the forged documents' features and the method) "
                    "to the branch managers' group chat."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_SHARE_IN_REGION,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "shared_at",
                        "label_zh": "通报时间",
                        "label_en": "Shared at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "channel",
                        "label_zh": "通报渠道",
                        "label_en": "Channel",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["wechat_group", "营业部经理微信群", "Branch managers' group chat"],
                            ["email", "邮件", "Email"],
                            ["notice", "书面通报", "Written notice"],
                            ["other", "其他", "Other"],
                        ],
                    },
                    {
                        "name": "content",
                        "label_zh": "通报内容(可疑人员、虚假证件特征、作案手法)",
                        "label_en": "Content (person, forgery features, method)",
                        "type": "textarea",
                        "required": True,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "report_head_office",
                "title_zh": "核实情况后向总行报送重要事项报告",
                "title_en": "Verify with the branch and report to head office",
                "guidance_zh": (
                    "与支行核实事项具体情况,向总行报送重要事项报告;零售业务相关的,可按月汇总报送。"
                ),
                "guidance_en": (
                    "Verify the facts with the branch and file the important-matter "
                    "report to head office; retail-related cases may be batched "
                    "into the monthly report."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": True,
                "deadline_minutes": MINUTES_ONE_DAY,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "verified_with_branch",
                        "label_zh": "已与支行核实",
                        "label_en": "Verified with the branch",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "monthly_batch",
                        "label_zh": "零售业务按月汇总报送",
                        "label_en": "Batched into the monthly retail report",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "report",
                        "label_zh": "重要事项报告",
                        "label_en": "Important-matter report",
                        "type": "file",
                        "required": False,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "watch_list_nomination",
                "title_zh": "申请将涉及客户纳入运营关注名单",
                "title_en": "Nominate the persons involved for the watch list",
                "guidance_zh": "向总行申请将涉及客户纳入运营关注名单。",
                "guidance_en": (
                    "Ask head office to add the persons and organisations involved "
                    "to the operations watch list."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_ONE_DAY,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "parties",
                        "label_zh": "拟纳入名单的人员、单位、证件号码、手机号",
                        "label_en": "Persons, organisations, ID and phone numbers",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "application_reference",
                        "label_zh": "申请编号",
                        "label_en": "Application reference",
                        "type": "text",
                        "required": False,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "department_linkage",
                "title_zh": "部门联动:报告公司、零售条线及相关部门",
                "title_en": (
                    "Department linkage: inform the corporate and retail lines and "
                    "the departments concerned"
                ),
                "guidance_zh": (
                    "报告公司、零售条线;如涉及客户经理、理财经理、交叉销售人员"
                    "(如保险业务员等),通报相关部门了解;情节严重的,报送分行保卫部。"
                ),
                "guidance_en": (
                    "Inform the corporate and retail lines; if account managers, "
                    "wealth managers or cross-selling staff (e.g. insurance agents) "
                    "are involved, inform their departments; if serious, report to "
                    "the sub-branch security department."
                ),
                "owner_role": "sub_branch_security",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_DEPARTMENT_LINKAGE,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "lines_informed",
                        "label_zh": "已通报的条线及部门",
                        "label_en": "Lines and departments informed",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "staff_involved",
                        "label_zh": "是否涉及客户经理、理财经理、交叉销售人员",
                        "label_en": "Account, wealth or cross-selling staff involved",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "serious",
                        "label_zh": "情节严重,已报保卫部",
                        "label_en": "Serious: reported to the security department",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "security_advice",
                        "label_zh": "保卫部意见",
                        "label_en": "Security department's advice",
                        "type": "textarea",
                        "required": False,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "instruct_police_report",
                "title_zh": "根据保卫部意见指导支行报案",
                "title_en": (
                    "Instruct the branch to report to the police (per the security "
                    "department's advice)"
                ),
                "guidance_zh": (
                    "根据分行保卫部意见,指导支行向当地公安机关报案;保卫部认为无需"
                    "报案的,标记为不适用并注明意见。"
                ),
                "guidance_en": (
                    "On the sub-branch security department's advice, instruct the "
                    "branch to report to the local police; if the department "
                    "advises no report, mark not applicable and quote its advice."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": True,
                "awaits_instruction": True,
                "reports_up": False,
                "deadline_minutes": MINUTES_INSTRUCT_BRANCH,
                "deadline_from": "instructed",
                "evidence": [
                    {
                        "name": "instructed_at",
                        "label_zh": "指示支行时间",
                        "label_en": "Branch instructed at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "instruction",
                        "label_zh": "对支行的报案指示",
                        "label_en": "Instruction given to the branch",
                        "type": "textarea",
                        "required": True,
                    },
                ],
            },
            {
                "level": "head_office",
                "code": "maintain_watch_list",
                "title_zh": "与分行确认后维护运营关注名单",
                "title_en": "Confirm with the sub-branch and maintain the watch list",
                "guidance_zh": ("与分行确认事项具体情况后,将涉及客户纳入运营关注名单。"),
                "guidance_en": (
                    "After confirming the facts with the sub-branch, add the "
                    "persons and organisations involved to the operations watch "
                    "list."
                ),
                "owner_role": "head_office_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_THREE_DAYS,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "confirmed_with_sub_branch",
                        "label_zh": "已与分行确认",
                        "label_en": "Confirmed with the sub-branch",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "decision",
                        "label_zh": "名单决定",
                        "label_en": "Decision",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["added", "纳入名单", "Added"],
                            ["rejected", "不予纳入", "Not added"],
                        ],
                    },
                    {
                        "name": "entry_reference",
                        "label_zh": "名单编号",
                        "label_en": "Watch-list entry reference",
                        "type": "text",
                        "required": False,
                    },
                    {
                        "name": "reason",
                        "label_zh": "决定理由",
                        "label_en": "Reason",
                        "type": "textarea",
                        "required": False,
                    },
                ],
            },
            {
                "level": "head_office",
                "code": "report_security_dept",
                "title_zh": "报告总行保卫部(情节严重的)",
                "title_en": ("Report to the head-office security department (if serious)"),
                "guidance_zh": ("情节严重的,报送总行保卫部;情节不严重的,标记为不适用并说明理由。"),
                "guidance_en": (
                    "If the case is serious, report it to the head-office security "
                    "department; otherwise mark not applicable and say why."
                ),
                "owner_role": "head_office_security",
                "mandatory": True,
                "conditional": True,
                "awaits_instruction": False,
                "reports_up": False,
                # Not in §4: a serious case should reach security within a day.
                "deadline_minutes": MINUTES_ONE_DAY,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "reported_at",
                        "label_zh": "报送时间",
                        "label_en": "Reported at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "seriousness",
                        "label_zh": "情节严重的理由",
                        "label_en": "Why the case is serious",
                        "type": "textarea",
                        "required": True,
                    },
                ],
            },
        ],
    },
    # ------------------------------------------------------------------
    # T7 堵截假票据
    # ------------------------------------------------------------------
    {
        "code": "forged_bills",
        "group": "against_bank",
        "name_zh": "堵截假票据",
        "name_en": "Forged bills intercepted",
        "description_zh": "客户持假银行承兑汇票办理质押等业务。",
        "description_en": (
            "A customer presented a forged bank acceptance bill for a pledge or other business."
        ),
        "steps": [
            {
                "level": "branch",
                "code": "refuse_business",
                "title_zh": "拒绝为客户办理业务",
                "title_en": "Refuse the business",
                "guidance_zh": (
                    "经核实票据为假的,拒绝为客户办理质押等业务,记录票据要素及识别为假的依据。"
                ),
                "guidance_en": (
                    "The bill is forged: refuse the pledge or other business and "
                    "record the bill's details and how the forgery was found."
                ),
                "owner_role": "teller",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "business_type",
                        "label_zh": "申请办理的业务",
                        "label_en": "Business requested",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["pledge", "质押", "Pledge"],
                            ["discount", "贴现", "Discount"],
                            ["collection", "托收", "Collection"],
                            ["other", "其他", "Other"],
                        ],
                    },
                    {
                        "name": "bill_number",
                        "label_zh": "票据号码",
                        "label_en": "Bill number",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "bill_amount",
                        "label_zh": "票面金额(元)",
                        "label_en": "Face amount (CNY)",
                        "type": "amount",
                        "required": True,
                    },
                    {
                        "name": "acceptor_bank",
                        "label_zh": "承兑行",
                        "label_en": "Accepting bank",
                        "type": "text",
                        "required": True,
                    },
                ],
            },
            {
                "level": "branch",
                "code": "confiscate_bill",
                "title_zh": "没收虚假票据",
                "title_en": "Confiscate the forged bill",
                "guidance_zh": "没收虚假票据,留存票据正反面影像并妥善保管。",
                "guidance_en": (
                    "Confiscate the forged bill, scan both sides and keep it safe for the police."
                ),
                "owner_role": "teller",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "bill_images",
                        "label_zh": "票据正反面影像",
                        "label_en": "Scans of both sides of the bill",
                        "type": "file",
                        "required": True,
                    },
                    {
                        "name": "forgery_features",
                        "label_zh": "识别为假的特征",
                        "label_en": "Features that show the forgery",
                        "type": "textarea",
                        "required": True,
                    },
                ],
            },
            {
                "level": "branch",
                "code": "police_report",
                "title_zh": "向当地公安机关报案",
                "title_en": "Report to the police",
                "guidance_zh": "向当地公安机关报案,并移交没收的虚假票据。",
                "guidance_en": (
                    "Report the case to the local police and hand over the confiscated bill."
                ),
                "owner_role": "branch_manager",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "reported_at",
                        "label_zh": "报案时间",
                        "label_en": "Reported to the police at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "police_station",
                        "label_zh": "接警单位(派出所)",
                        "label_en": "Police station",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "police_receipt_no",
                        "label_zh": "报案回执编号",
                        "label_en": "Police report reference",
                        "type": "text",
                        "required": False,
                    },
                    {
                        "name": "bill_handed_over",
                        "label_zh": "已移交假票据",
                        "label_en": "Bill handed to the police",
                        "type": "bool",
                        "required": True,
                    },
                ],
            },
            {
                "level": "branch",
                "code": "report_sub_branch",
                "title_zh": "向分行报送重要事项报告",
                "title_en": "Report the important matter to the sub-branch",
                "guidance_zh": "向分行报送重要事项报告,附票据影像及识别特征。",
                "guidance_en": (
                    "File the important-matter report to the sub-branch with the "
                    "bill's scans and the features that gave it away."
                ),
                "owner_role": "branch_manager",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": True,
                "deadline_minutes": MINUTES_BRANCH_URGENT,
                "deadline_from": "filed",
                "evidence": [
                    {
                        "name": "reported_at",
                        "label_zh": "报告时间",
                        "label_en": "Reported at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "sub_branch_contact",
                        "label_zh": "分行接收人",
                        "label_en": "Sub-branch contact",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "summary",
                        "label_zh": "情况说明",
                        "label_en": "Summary",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "report",
                        "label_zh": "重要事项报告",
                        "label_en": "Important-matter report",
                        "type": "file",
                        "required": False,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "internal_investigation",
                "title_zh": "内部调查开票人(涉及我行承兑票据的)",
                "title_en": ("Investigate the drawer internally (if this bank accepted the bill)"),
                "guidance_zh": (
                    "如涉及我行承兑的票据,对开票人在我行的开票行为、账户信息、交易"
                    "情况进行调查;不涉及的,标记为不适用并说明原因。"
                ),
                "guidance_en": (
                    "If the bill is one this bank accepted, investigate the "
                    "drawer's bills, accounts and transactions at this bank. "
                    "Otherwise mark not applicable."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": True,
                "awaits_instruction": False,
                "reports_up": False,
                # Records across bills, accounts and transactions: days of work.
                "deadline_minutes": MINUTES_THREE_DAYS,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "drawer",
                        "label_zh": "开票人",
                        "label_en": "Drawer",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "bills_issued",
                        "label_zh": "开票人在我行的开票情况",
                        "label_en": "Bills the drawer issued at this bank",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "accounts_and_transactions",
                        "label_zh": "账户信息及交易情况",
                        "label_en": "Accounts and transactions",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "findings",
                        "label_zh": "调查结论",
                        "label_en": "Findings",
                        "type": "textarea",
                        "required": True,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "department_linkage",
                "title_zh": "部门联动:报告公司、信贷条线",
                "title_en": "Department linkage: inform the corporate and credit lines",
                "guidance_zh": (
                    "报告公司、信贷条线,提示对持票人进行调查;涉及开票人调查的,"
                    "建议业务条线协助上门调查。"
                ),
                "guidance_en": (
                    "Inform the corporate and credit lines and ask them to look "
                    "into the bill holder; where the drawer must be investigated, "
                    "suggest the business line helps with an on-site visit."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_DEPARTMENT_LINKAGE,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "lines_informed",
                        "label_zh": "已通报的条线",
                        "label_en": "Lines informed",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "holder_investigation_requested",
                        "label_zh": "已提示调查持票人",
                        "label_en": "Asked to look into the bill holder",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "site_visit_suggested",
                        "label_zh": "已建议上门调查开票人",
                        "label_en": "On-site visit to the drawer suggested",
                        "type": "bool",
                        "required": False,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "external_linkage",
                "title_zh": "行外联动:报告当地人民银行",
                "title_en": "External linkage: report to the local central-bank branch",
                "guidance_zh": "将假票据事项报告当地人民银行。",
                "guidance_en": (
                    "Report the forged bill to the local branch of the People's Bank of China."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                # Not in §4: a regulator report on the next working day.
                "deadline_minutes": MINUTES_ONE_DAY,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "reported_at",
                        "label_zh": "报告时间",
                        "label_en": "Reported at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "pboc_office",
                        "label_zh": "人民银行分支机构",
                        "label_en": "Central-bank office",
                        "type": "text",
                        "required": True,
                    },
                    {
                        "name": "pboc_contact",
                        "label_zh": "人民银行联系人",
                        "label_en": "Central-bank contact",
                        "type": "text",
                        "required": False,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "share_in_region",
                "title_zh": "辖内共享:向辖内网点通报假票据特征",
                "title_en": "Share within the region: the forged bill's features",
                "guidance_zh": ("向辖内网点通报假票据特征,指导网点提高识假、辨假技能。"),
                "guidance_en": (
                    "Send all branches of the region the forged bill's features "
                    "and help them recognise such forgeries."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_SHARE_IN_REGION,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "shared_at",
                        "label_zh": "通报时间",
                        "label_en": "Shared at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "channel",
                        "label_zh": "通报渠道",
                        "label_en": "Channel",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["wechat_group", "营业部经理微信群", "Branch managers' group chat"],
                            ["email", "邮件", "Email"],
                            ["notice", "书面通报", "Written notice"],
                            ["other", "其他", "Other"],
                        ],
                    },
                    {
                        "name": "features",
                        "label_zh": "假票据特征",
                        "label_en": "Forged bill's features",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "bill_images",
                        "label_zh": "票据影像",
                        "label_en": "Scans of the bill",
                        "type": "file",
                        "required": False,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "report_head_office",
                "title_zh": "核实情况后向总行报送重要事项报告",
                "title_en": "Verify with the branch and report to head office",
                "guidance_zh": "与支行核实事项具体情况,向总行报送重要事项报告。",
                "guidance_en": (
                    "Verify the facts with the branch and file the important-matter "
                    "report to head office."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": True,
                "deadline_minutes": MINUTES_ONE_DAY,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "verified_with_branch",
                        "label_zh": "已与支行核实",
                        "label_en": "Verified with the branch",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "report",
                        "label_zh": "重要事项报告",
                        "label_en": "Important-matter report",
                        "type": "file",
                        "required": True,
                    },
                    {
                        "name": "new_forgery_features",
                        "label_zh": "是否出现新的制假特征",
                        "label_en": "New forgery features seen",
                        "type": "bool",
                        "required": True,
                    },
                ],
            },
            {
                "level": "sub_branch",
                "code": "watch_list_nomination",
                "title_zh": "申请将涉及客户纳入运营关注名单",
                "title_en": "Nominate the customers involved for the watch list",
                "guidance_zh": "向总行申请将涉及客户(持票人、开票人等)纳入运营关注名单。",
                "guidance_en": (
                    "Ask head office to add the customers involved (bill holder, "
                    "drawer) to the operations watch list."
                ),
                "owner_role": "sub_branch_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_ONE_DAY,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "parties",
                        "label_zh": "拟纳入名单的客户、单位、账户、证件号码",
                        "label_en": "Customers, organisations, accounts, ID numbers",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "application_reference",
                        "label_zh": "申请编号",
                        "label_en": "Application reference",
                        "type": "text",
                        "required": False,
                    },
                ],
            },
            {
                "level": "head_office",
                "code": "internal_notice",
                "title_zh": "向各分行通报新制假特征(如有)",
                "title_en": "Notify the sub-branches of new forgery features (if any)",
                "guidance_zh": (
                    "对于假票据的新制假特征(如有),将特征通报各分行;无新特征的,标记为不适用。"
                ),
                "guidance_en": (
                    "If the forged bill shows new forgery features, send them to "
                    "all sub-branches. Otherwise mark not applicable."
                ),
                "owner_role": "head_office_monitor",
                "mandatory": True,
                "conditional": True,
                "awaits_instruction": False,
                "reports_up": False,
                # Not in §4: a bank-wide notice within a few working days.
                "deadline_minutes": MINUTES_THREE_DAYS,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "notified_at",
                        "label_zh": "通报时间",
                        "label_en": "Notified at",
                        "type": "datetime",
                        "required": True,
                    },
                    {
                        "name": "new_features",
                        "label_zh": "新制假特征",
                        "label_en": "New forgery features",
                        "type": "textarea",
                        "required": True,
                    },
                    {
                        "name": "notice",
                        "label_zh": "通报文件",
                        "label_en": "Notice",
                        "type": "file",
                        "required": False,
                    },
                ],
            },
            {
                "level": "head_office",
                "code": "maintain_watch_list",
                "title_zh": "与分行确认后维护运营关注名单",
                "title_en": "Confirm with the sub-branch and maintain the watch list",
                "guidance_zh": ("与分行确认事项具体情况后,将涉及客户纳入运营关注名单。"),
                "guidance_en": (
                    "After confirming the facts with the sub-branch, add the "
                    "customers involved to the operations watch list."
                ),
                "owner_role": "head_office_monitor",
                "mandatory": True,
                "conditional": False,
                "awaits_instruction": False,
                "reports_up": False,
                "deadline_minutes": MINUTES_THREE_DAYS,
                "deadline_from": "level_entered",
                "evidence": [
                    {
                        "name": "confirmed_with_sub_branch",
                        "label_zh": "已与分行确认",
                        "label_en": "Confirmed with the sub-branch",
                        "type": "bool",
                        "required": True,
                    },
                    {
                        "name": "decision",
                        "label_zh": "名单决定",
                        "label_en": "Decision",
                        "type": "choice",
                        "required": True,
                        "choices": [
                            ["added", "纳入名单", "Added"],
                            ["rejected", "不予纳入", "Not added"],
                        ],
                    },
                    {
                        "name": "entry_reference",
                        "label_zh": "名单编号",
                        "label_en": "Watch-list entry reference",
                        "type": "text",
                        "required": False,
                    },
                    {
                        "name": "reason",
                        "label_zh": "决定理由",
                        "label_en": "Reason",
                        "type": "textarea",
                        "required": False,
                    },
                ],
            },
        ],
    },
]


_SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_TYPE_KEYS = (
    "code",
    "group",
    "name_zh",
    "name_en",
    "description_zh",
    "description_en",
    "steps",
)
_STEP_KEYS = (
    "level",
    "code",
    "title_zh",
    "title_en",
    "guidance_zh",
    "guidance_en",
    "owner_role",
    "mandatory",
    "conditional",
    "awaits_instruction",
    "reports_up",
    "deadline_minutes",
    "deadline_from",
    "evidence",
)
_STEP_FLAGS = ("mandatory", "conditional", "awaits_instruction", "reports_up")
_FIELD_KEYS = ("name", "label_zh", "label_en", "type", "required")


def _check_text(where: str, key: str, value: object, problems: list[str]) -> None:
    """A *_zh text must contain Chinese; an *_en text must contain none."""
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: {key} is missing or empty")
    elif key.endswith("_zh") and not _CJK.search(value):
        problems.append(f"{where}: {key} has no Chinese text: {value!r}")
    elif key.endswith("_en") and _CJK.search(value):
        problems.append(f"{where}: {key} contains Chinese text: {value!r}")


def _check_field(where: str, field: dict, problems: list[str]) -> None:
    for key in _FIELD_KEYS:
        if key not in field:
            problems.append(f"{where}: missing {key!r}")
    name = field.get("name")
    if not isinstance(name, str) or not _SNAKE_CASE.match(name):
        problems.append(f"{where}: name {name!r} is not snake_case")
    for key in ("label_zh", "label_en"):
        _check_text(where, key, field.get(key), problems)
    if field.get("type") not in EVIDENCE_TYPES:
        problems.append(f"{where}: unknown type {field.get('type')!r}")
    if not isinstance(field.get("required"), bool):
        problems.append(f"{where}: required must be True or False")
    choices = field.get("choices")
    if field.get("type") == "choice":
        if not choices:
            problems.append(f"{where}: choice field without choices")
            return
        values = []
        for choice in choices:
            if not isinstance(choice, (list, tuple)) or len(choice) != 3:
                problems.append(f"{where}: choice {choice!r} is not [value, zh, en]")
                continue
            value, label_zh, label_en = choice
            values.append(value)
            if not isinstance(value, str) or not _SNAKE_CASE.match(value):
                problems.append(f"{where}: choice value {value!r} is not snake_case")
            # Codes such as "ATM" or "POS" read the same in both languages.
            if not isinstance(label_zh, str) or not label_zh.strip():
                problems.append(f"{where}: choice {value!r} has no Chinese label")
            _check_text(f"{where} choice {value!r}", "label_en", label_en, problems)
        if len(values) != len(set(values)):
            problems.append(f"{where}: duplicate choice values")
    elif choices is not None:
        problems.append(f"{where}: choices given for a {field.get('type')!r} field")


def _check_step(where: str, step: dict, problems: list[str]) -> None:
    for key in _STEP_KEYS:
        if key not in step:
            problems.append(f"{where}: missing {key!r}")
    level = step.get("level")
    if level not in LEVELS:
        problems.append(f"{where}: unknown level {level!r}")
    code = step.get("code")
    if not isinstance(code, str) or not _SNAKE_CASE.match(code):
        problems.append(f"{where}: code {code!r} is not snake_case")
    for key in ("title_zh", "title_en", "guidance_zh", "guidance_en"):
        _check_text(where, key, step.get(key), problems)
    role = step.get("owner_role")
    if role not in ROLES:
        problems.append(f"{where}: unknown owner_role {role!r}")
    elif level in LEVELS and role not in ROLES_BY_LEVEL[level]:
        problems.append(f"{where}: owner_role {role!r} does not work at {level!r}")
    for flag in _STEP_FLAGS:
        if not isinstance(step.get(flag), bool):
            problems.append(f"{where}: {flag} must be True or False")
    if step.get("reports_up") and level == "head_office":
        problems.append(f"{where}: head-office steps cannot report up")
    minutes = step.get("deadline_minutes")
    if minutes is not None and (
        isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0
    ):
        problems.append(f"{where}: deadline_minutes must be a positive int or None")
    deadline_from = step.get("deadline_from")
    if deadline_from not in DEADLINE_FROM:
        problems.append(f"{where}: unknown deadline_from {deadline_from!r}")
    if step.get("awaits_instruction") and deadline_from != "instructed":
        problems.append(f"{where}: awaits_instruction but deadline_from is not 'instructed'")
    if deadline_from == "instructed" and not step.get("awaits_instruction"):
        problems.append(f"{where}: deadline_from 'instructed' without awaits_instruction")
    if deadline_from == "filed" and level not in ("branch", None):
        problems.append(f"{where}: only branch steps run from 'filed'")
    evidence = step.get("evidence")
    if not isinstance(evidence, list) or len(evidence) > MAX_EVIDENCE_FIELDS:
        problems.append(f"{where}: evidence must be a list of 0-{MAX_EVIDENCE_FIELDS} fields")
        return
    names = [field.get("name") for field in evidence]
    if len(names) != len(set(names)):
        problems.append(f"{where}: duplicate evidence field names")
    for field in evidence:
        _check_field(f"{where} evidence {field.get('name')!r}", field, problems)


def validate_playbooks(types: list[dict] = INCIDENT_TYPES) -> list[str]:
    """Return a list of problems in the playbook data; empty when it is sound."""
    problems: list[str] = []
    type_codes = [incident_type.get("code") for incident_type in types]
    if len(type_codes) != len(set(type_codes)):
        problems.append("duplicate incident type codes")
    for incident_type in types:
        type_code = incident_type.get("code")
        where = f"type {type_code!r}"
        for key in _TYPE_KEYS:
            if key not in incident_type:
                problems.append(f"{where}: missing {key!r}")
        if not isinstance(type_code, str) or not _SNAKE_CASE.match(type_code):
            problems.append(f"{where}: code is not snake_case")
        if incident_type.get("group") not in GROUPS:
            problems.append(f"{where}: unknown group {incident_type.get('group')!r}")
        for key in ("name_zh", "name_en", "description_zh", "description_en"):
            _check_text(where, key, incident_type.get(key), problems)
        steps = incident_type.get("steps") or []
        seen: set[tuple[object, object]] = set()
        level_order = []
        for step in steps:
            step_where = f"{where} step {step.get('level')}/{step.get('code')}"
            _check_step(step_where, step, problems)
            key = (step.get("level"), step.get("code"))
            if key in seen:
                problems.append(f"{step_where}: duplicate step code at this level")
            seen.add(key)
            if step.get("level") in LEVELS:
                level_order.append(LEVELS.index(step["level"]))
        if level_order != sorted(level_order):
            problems.append(f"{where}: steps are not ordered branch, sub_branch, head_office")
        for level in LEVELS:
            if not any(step.get("level") == level for step in steps):
                problems.append(f"{where}: no steps at {level!r}")
        for level in ("branch", "sub_branch"):
            count = sum(
                1 for step in steps if step.get("level") == level and step.get("reports_up")
            )
            if count != 1:
                problems.append(
                    f"{where}: {count} reports_up steps at {level!r}, expected exactly 1"
                )
    return problems
