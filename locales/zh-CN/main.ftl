# Frontdesk，简体中文。

## Navigation and layout
nav-label = 主导航
nav-settings = 设置
nav-agents = 客服
nav-departments = 部门
nav-audit = 审计日志
nav-logout = 退出登录

## Form fields
field-company = 公司名称
field-workspace = 工作区
field-workspace-slug = 工作区地址（小写字母、数字和连字符）
field-name = 您的姓名
field-email = 电子邮箱
field-password = 密码
field-new-password = 新密码
field-current-password = 当前密码
field-role = 角色
field-departments = 部门
field-agent-name = 姓名
field-alias = 昵称
field-alias-hint = 设置昵称后，客户看到的是昵称而不是姓名。
field-gender = 性别
field-description = 描述
field-department-name = 名称
field-department-agents = 客服
action-cancel = 取消
password-rules = 密码长度为 10 到 128 个字符；不能是您的邮箱地址，也不能是常见密码。

## Input errors
input-required = 此项为必填项。
input-too-long = 内容过长。
input-slug-invalid = 请使用 2 到 40 个小写字母、数字或连字符。
input-email-invalid = 请输入有效的邮箱地址，例如 name@example.com。
password-too-short = 密码至少需要 10 个字符。
password-too-long = 密码最多 128 个字符。
password-is-email = 密码不能与邮箱地址相同。
password-too-common = 这个密码太常见了，请换一个更难猜的密码。
password-unchanged = 新密码不能与当前密码相同。
password-current-wrong = 当前密码不正确。
input-choice-invalid = 请从提供的选项中选择。

## Sign up
signup-title = 创建您的客服中心
signup-intro = 从免费套餐开始；之后可以邀请团队成员并更换套餐。
signup-submit = 创建工作区
signup-have-account = 已有工作区？登录
signup-slug-taken = 该工作区地址已被占用。
signup-slug-reserved = 该工作区地址为保留地址，请另选一个。
signup-welcome = 您的工作区已就绪。欢迎使用 Frontdesk！

## Log in
login-title = 登录
login-submit = 登录
login-failed = 工作区、邮箱或密码不正确。
login-invitation-expired = 此邀请已过期。请联系工作区的管理员重新发送邀请。
login-forgot = 忘记密码？
login-signup = 创建新的工作区

## Password reset
forgot-title = 重置密码
forgot-intro = 请填写您的工作区和邮箱；如果与某个账户匹配，我们会发送一封邮件，其中包含设置新密码的链接。
forgot-submit = 发送链接
forgot-back = 返回登录
forgot-sent = 如果该地址属于某个账户，重置密码的链接已经发出。链接在一小时内有效。
reset-title = 设置新密码
reset-submit = 保存新密码
reset-done = 密码已修改，请使用新密码登录。
reset-email-subject = 重置您的 Frontdesk 密码
reset-email-greeting = { $name }，您好：
reset-email-body = 有人请求重置您在工作区 { $workspace } 的密码。请在一小时内打开以下链接设置新密码：
reset-email-button = 设置新密码
reset-email-ignore = 如果这不是您本人的操作，请忽略此邮件，您的密码不会改变。

## Changing one's password
nav-password = 修改密码
change-password-title = 修改密码
change-password-forced = 欢迎！请先设置您自己的密码：邀请邮件中的密码只在您设置新密码之前有效。
change-password-intro = 修改后，您在其他浏览器和设备上的会话将会结束；当前会话保持登录。
change-password-submit = 修改密码
password-changed = 密码已修改，您的其他会话已结束。

## Home
home-greeting = 欢迎，{ $name }
home-your-role = 您的角色

## Roles and permissions
role-agent = 客服
role-admin = 管理员
role-owner = 所有者
gender-female = 女
gender-male = 男
gender-other = 其他
gender-unspecified = 未说明

## Plans
plan-free = 免费版
plan-small = 小型版
plan-medium = 中型版
plan-large = 大型版

## Agents
agents-title = 客服
agents-invite = 邀请客服
agents-seats-free = { $seats } 名客服：免费版不收费。
agents-seats-cost = { $seats } 名客服 x { $price } = 每月 { $total }
agents-plan = 套餐：{ $plan }
agents-filter-role = 角色
agents-filter-department = 部门
agents-filter-search = 姓名或邮箱
agents-filter-any = 全部
agents-filter-submit = 筛选
agents-filter-clear = 显示全部
agents-none-match = 没有符合筛选条件的客服。
agents-column-name = 姓名
agents-column-state = 状态
agents-column-last-login = 最近登录
agents-column-actions = 操作
agents-state-invited = 已邀请
agents-state-active = 已激活
agents-state-expired = 邀请已过期
agents-never = 从未
agents-you = 您
agents-edit = 编辑
agents-delete = 删除
agents-no-departments = 此工作区还没有部门。
agents-invite-title = 邀请客服
agents-invite-intro = 新客服会收到一封邮件，其中包含工作区、邮箱和一个 7 天内有效的临时密码。首次登录时需设置自己的密码。
agents-invite-cost-free = 在免费版中，此席位不收费。
agents-invite-prorated = 本计费周期剩余 { $days } 天，将增加 { $amount }。
agents-invite-cost = 此席位每月 { $price }：{ $seats } 名客服 x { $price } = 自即日起每月 { $total }。
agents-invite-submit = 发送邀请
agents-invited = 邀请已发送。
agents-email-taken = 此工作区已有客服使用该邮箱。
agents-edit-title = 编辑 { $name }
agents-own-role = 任何人都不能修改自己的角色。
agents-save = 保存
agents-saved = 已保存。
agents-resend-title = 邀请
agents-resend-intro = 此客服尚未设置密码。新的邀请会带有新的临时密码，旧密码随即失效。
agents-resend-submit = 重新发送邀请
agents-invitation-resent = 新的邀请已发送，旧密码已失效。
agents-delete-link = 删除此客服
agents-delete-title = 删除 { $name }？
agents-delete-consequences = 删除此客服后：
agents-delete-sessions = 其所有会话立即结束，并且无法再登录；
agents-delete-tickets = 其工单和消息保留，并仍显示其姓名；
agents-delete-seat = 其席位被释放：自下一个计费周期起为 { $seats } 名客服 x { $price } = 每月 { $total }；
agents-delete-seat-free = 其席位被释放（免费版席位不收费）；
agents-delete-reinvite = 以后仍可再次邀请该邮箱地址。
agents-delete-submit = 删除客服
agents-deleted = 客服已删除。
agents-refused-owners-only = 只有所有者可以将他人设为所有者，或修改、删除所有者。
agents-refused-own-role = 任何人都不能修改自己的角色。
agents-refused-last-owner = 工作区至少要保留一名所有者：请先将其他人设为所有者。
agents-refused-themselves = 您不能删除自己。
agents-not-invited = 此客服已设置过密码，没有可重新发送的邀请。
invitation-email-subject = 您受邀加入 Frontdesk 上的 { $company }
invitation-email-greeting = { $name }，您好：
invitation-email-body = { $inviter } 邀请您在 Frontdesk 上为 { $company } 的客户提供服务。请使用以下信息登录：
# The credential lines of the invitation are a contract (DESIGN.md): their labels stay in English.
invitation-email-workspace = Workspace
invitation-email-address = Email
invitation-email-password = Password
invitation-email-login = 在此登录：
invitation-email-button = 登录 Frontdesk
invitation-email-expiry = 此密码 7 天内有效。登录后，您将设置自己的密码。

## Departments
departments-title = 部门
departments-intro = 部门的工单由其客服处理；管理员和所有者可以看到全部工单，没有部门的工单所有人都能看到。
departments-empty = 还没有部门。
departments-no-members = 没有客服
departments-no-agents = 此工作区没有客服。
departments-new = 新建部门
departments-create = 创建部门
departments-created = 部门已创建。
departments-limit = { $plan }只允许一个部门。
departments-plan-limit = 免费版只允许一个部门。请选择付费套餐以添加更多部门。
departments-upgrade = 更改套餐
departments-ask-owner = 工作区的所有者可以更改套餐。
departments-name-taken = 已存在同名部门。
departments-edit-title = 部门：{ $name }
departments-save = 保存
departments-saved = 部门已保存。
departments-delete-link = 删除此部门
departments-delete-title = 删除部门 { $name }？
departments-delete-tickets = 其工单会保留，但不再属于任何部门：所有客服都能看到它们。
departments-delete-agents = 其 { $count } 名客服仍保留在工作区中。
departments-delete-submit = 删除部门
departments-deleted = 部门已删除。

## Audit log
audit-title = 审计日志
audit-intro = 谁在此工作区中修改了什么，以及从哪里操作。
audit-empty = 尚无记录。
audit-when = 时间
audit-who = 操作人
audit-what = 内容
audit-ip = IP 地址
audit-older = 更早的记录
audit-login = 登录
audit-agent-invited = 邀请了客服
audit-invitation-resent = 重新发送了邀请
audit-agent-updated = 编辑了客服
audit-role-changed = 修改了角色
audit-agent-deleted = 删除了客服
audit-department-created = 创建了部门
audit-department-updated = 编辑了部门
audit-department-deleted = 删除了部门
audit-settings-changed = 修改了工作区设置

## Workspace settings
settings-title = 工作区设置
field-support-address = 客服邮箱（可选）
field-support-address-hint = 客户对我们邮件的答复会发往此地址（Reply-To）。请将它转发到下面的入站地址。
settings-submit = 保存设置
settings-saved = 设置已保存。

## Tickets
nav-queue = 队列
nav-tickets = 工单
channel-email = 邮件
channel-form = 联系表单
channel-chat = 在线聊天
channel-agent = 客服发起
status-new = 新建
status-open = 待处理
status-answered = 已回复
status-postponed = 已推迟
status-resolved = 已解决
status-spam = 垃圾
priority-low = 低
priority-normal = 普通
priority-high = 高
priority-urgent = 紧急
type-billing = 账单
type-refund = 退款
type-bug = 故障
type-dispute = 争议
type-feature = 功能建议
type-usability = 易用性
type-other = 其他
message-kind-customer = 客户
message-kind-reply = 回复
message-kind-note = 内部备注
message-kind-event = 变更
queue-title = 队列
queue-intro = 分配给您的工单，以及您所在部门中未分配的工单，按最新动态排序。
queue-counts = 按状态统计的队列
queue-heading = 您的队列
queue-all = 全部工单
tickets-title = 工单
tickets-new = 新建工单
tickets-free-plan-window = 免费版的列表只显示最近 7 天的工单；更早的工单仍可通过编号访问。
tickets-none = 这里没有工单。
tickets-search = 搜索
tickets-status-any = 除垃圾外全部
tickets-next-page = 下一页
tickets-assignee-none = 未分配
tickets-assignee-me = 我
ticket-subject = 主题
ticket-customer = 客户
ticket-status = 状态
ticket-priority = 优先级
ticket-type = 类型
ticket-department = 部门
ticket-no-department = 无部门
ticket-assignee = 负责人
ticket-activity = 最近动态
ticket-thread = 会话
ticket-reply = 回复客户
ticket-reply-body = 消息
ticket-signature = 您的签名会附在消息下方：
ticket-reply-submit = 发送回复
ticket-reply-anyway = 仍然发送我的回复
ticket-replied-meanwhile = 在您撰写期间，{ $names } 已经回复。请先阅读上面的回复，如仍有必要再发送您的回复。
ticket-note = 内部备注
ticket-note-body = 备注（仅客服可见，不会发送邮件）
ticket-note-submit = 添加备注
ticket-properties = 属性
ticket-postponed-until = 推迟至（状态为“已推迟”时）
ticket-save = 保存
ticket-assign-me = 分配给我
ticket-reply-sent = 回复已发送。
ticket-note-added = 备注已添加。
ticket-saved = 工单已保存。
ticket-created = 工单已创建并已通过邮件发送给客户。
ticket-no-customer-address = 此工单没有可回复的客户邮箱地址。
ticket-postpone-future = 请选择今天之后的日期。
ticket-assignee-not-in-department = 此客服不在该工单的部门中。
inbound-attachment-not-kept = [{ $name }：{ $size }，未保存]
ticket-no-subject = （无主题）
input-date-invalid = 请输入日期，例如 2026-12-31。
tickets-new-intro = 客户会通过邮件收到您的消息，以及跟进工单的链接。
tickets-new-submit = 创建并发送
ticket-customer-name = 客户姓名
ticket-customer-email = 客户邮箱
event-status = 状态：{ $value }
event-reopened = 客户再次来信：工单已重新打开。
event-priority = 优先级：{ $value }
event-type = 类型：{ $value }
event-department = 部门：{ $value }
event-no-department = 无部门
event-assigned = 已分配给 { $value }
event-unassigned = 已取消分配
event-postponed = 推迟至 { $value }
event-other = { $value }
ticket-email-greeting = { $name }，您好：
ticket-email-received = 感谢您联系 { $company }。我们已收到您的消息，工单号为 #{ $number }，会尽快答复。您可以直接回复此邮件补充内容。
ticket-email-follow = 在此跟进并回复您的工单：

## Contact form and the customer's page
contact-title = 联系 { $company }
contact-intro = 请告诉我们您的需求，我们会通过邮件答复。
contact-name = 您的姓名
contact-type = 关于什么？
contact-message = 消息
contact-submit = 发送
contact-sent = 谢谢！我们已收到您的消息，并已将此页面的链接发送到您的邮箱。
customer-page-private = 此页面为私密页面：任何知道其地址的人都可以阅读。
customer-you = 您
customer-reply = 添加消息
customer-reply-submit = 发送
customer-reply-sent = 您的消息已添加。

## Inbound email (workspace settings)
settings-inbound-title = 邮件转工单
settings-inbound-intro = 发送到此地址的邮件会成为本工作区的工单；对我们回复的答复会归入原工单。
settings-inbound-step-provider = 在您的邮件服务商（Mailgun、Postmark、SendGrid、Amazon SES 或自建服务器）中，为您的客服邮箱设置入站路由。
settings-inbound-step-raw = 让它将每封邮件以原始格式（RFC 5322、“MIME”或“完整邮件”）POST 到上面的地址。在邮件服务器上可以这样转交：curl --data-binary @- -H "Content-Type: message/rfc822"，后接该地址。
settings-inbound-step-forward = 将您的客服邮箱转发到服务商，然后发送一封测试邮件：它会出现在队列中。
settings-inbound-secret = 请对此地址保密：知道它的人都可以创建工单。
settings-contact-form = 您的公开联系表单

## Errors
error-not-found = 该页面不存在，或者您无权查看。
error-link-expired = 该链接已失效。邮件中的链接只能使用一次，且有时间限制。
error-forbidden = 您没有执行此操作的权限。
error-csrf = 该表单已过期。请返回并刷新页面后重试。
error-too-many = 尝试次数过多。请等待 15 分钟后再试。
error-too-large = 您提交的内容过大。
error-bad-request = 无法理解该请求。
error-unavailable = Frontdesk 暂时不可用，请稍后再试。
error-internal = 我们这边出了点问题，已记录在日志中。
error-request-id = 参考编号：{ $id }
error-back-to-panel = 返回 Frontdesk
error-to-login = 前往登录页面

## Billing
nav-billing = 账单
audit-plan-changed = 更改了套餐
audit-billing-details-changed = 修改了账单信息
billing-title = 账单
billing-overview = 套餐与席位
billing-invoices = 发票
billing-details = 账单信息
billing-current-plan = 当前套餐
billing-seats-explained = 每位未被删除的客服都占一个席位，包括所有者、管理员和尚未接受的邀请。
billing-period = 计费周期
billing-period-range = { $from } 至 { $to }
billing-next-invoice = 下一张发票
billing-no-invoice-due = { $date }（目前无需开票）
billing-accrued = 本周期至今
billing-accrued-none = 本周期至今无需付费。
billing-accrued-total = 本周期累计
billing-line = 项目
billing-amount = 金额
billing-line-plan = { $plan }：{ $seats } 名客服 x { $price }
billing-line-seat = { $date } 新增席位（{ $who }）：{ $plan } 每席位 { $price }，计 { $period_days } 天中的 { $days } 天
billing-line-change = { $date } 套餐由{ $from }改为{ $to }：{ $seats } 名客服 x 差价 { $price }，计 { $period_days } 天中的 { $days } 天
billing-plans = 套餐
billing-plan = 套餐
billing-price-per-seat = 每位客服每月
billing-limits = 限制
billing-limits-free = { $departments } 个部门；超过 7 天的工单不在列表中显示
billing-limits-none = 无
billing-you-would-pay = 您将支付
billing-per-month = 每月 { $total }
billing-current = 当前套餐
billing-switch = 切换到此套餐
billing-choose = 选择
billing-confirm-title = 切换到{ $plan }？
billing-confirm-charge = 本周期剩余 { $days } 天将收取 { $amount }，之后每月 { $monthly }。
billing-confirm-credit = 本周期剩余 { $days } 天将退还 { $amount }，之后每月 { $monthly }。
billing-confirm-detail = 自 { $next } 开始的周期起为 { $seats } 名客服 x { $price }。更改立即生效。
billing-confirm-submit = 切换到{ $plan }
billing-confirm-cancel = 保留当前套餐
billing-free-refused = 免费版最多允许 { $limit } 个部门，而此工作区有 { $count } 个：{ $names }。请先删除部门，直到只剩 { $limit } 个，然后再切换。
billing-free-departments-link = 管理部门
billing-plan-changed = 套餐已更改。每位所有者都会收到一封邮件。
billing-plan-unchanged = 工作区已经在使用该套餐。
billing-invoices-none = 暂无发票。有费用的计费周期结束时会开具发票。
billing-invoice = 发票
billing-invoice-number = 编号
billing-total = 合计
billing-subtotal = 小计
billing-issued-at = 开具日期
billing-invoices-back = 全部发票
billing-invoice-print-hint = 如需 PDF，请打印此页面并选择“另存为 PDF”。
billing-seller = 开票方
billing-bill-to = 收票方
billing-invoice-no-payment = 金额以美元计。Frontdesk 本身不收款：请按与开票方的约定付款。
billing-details-intro = 将打印在今后开具的发票上。已开具的发票保留开具时的信息。
billing-details-submit = 保存账单信息
billing-details-saved = 账单信息已保存。
billing-vat-id-invalid = 请输入带两位国家代码前缀的增值税号，例如 DE123456789。
field-address = 地址
field-country = 国家或地区
field-vat-id = 增值税号
field-billing-email = 账单邮箱
field-billing-email-hint = 除所有者外，发票也会发送到此邮箱。
billing-email-plan-subject = { $company }：套餐已更改为{ $plan }
billing-email-plan-body = { $who } 将 { $company } 的套餐由{ $from }改为{ $to }。
billing-email-plan-charge = 本周期剩余 { $days } 天收取 { $amount }；自 { $next } 起工作区每月支付 { $monthly }（{ $seats } 名客服 x { $price }）。
billing-email-plan-credit = 本周期剩余 { $days } 天退还 { $amount }；自 { $next } 起工作区每月支付 { $monthly }（{ $seats } 名客服 x { $price }）。
billing-email-open-billing = 打开账单
billing-email-invoice-subject = { $company }：发票 { $number }，金额 { $total }
billing-email-invoice-body = { $company } 的发票 { $number } 已开具：{ $from } 至 { $to } 周期共 { $total }。
billing-email-open-invoice = 查看发票
