# Frontdesk，简体中文。

## Navigation and layout
nav-label = 主导航
nav-home = 首页
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
home-title = 首页
home-greeting = 欢迎，{ $name }
home-your-role = 您的角色
home-what-you-can-do = 您可以在这里做什么

## Roles and permissions
role-agent = 客服
role-admin = 管理员
role-owner = 所有者
gender-female = 女
gender-male = 男
gender-other = 其他
gender-unspecified = 未说明
permission-tickets = 处理工单队列：查看、回复、添加备注、分配，修改状态、优先级、类型和部门
permission-knowledge-base = 撰写知识库文章和分类
permission-own-profile = 管理自己的资料和偏好设置，查看自己的工作报告
permission-configuration = 配置工作区：客服、部门和设置
permission-all-reports = 查看所有客服和部门的报告
permission-billing = 管理账单：套餐、账单信息和发票

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
settings-submit = 保存设置
settings-saved = 设置已保存。

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
