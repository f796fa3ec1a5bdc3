# Frontdesk，简体中文。

## Navigation and layout
nav-label = 主导航
nav-home = 首页
nav-settings = 设置
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
permission-tickets = 处理工单队列：查看、回复、添加备注、分配，修改状态、优先级、类型和部门
permission-knowledge-base = 撰写知识库文章和分类
permission-own-profile = 管理自己的资料和偏好设置，查看自己的工作报告
permission-configuration = 配置工作区：客服、部门和设置
permission-all-reports = 查看所有客服和部门的报告
permission-billing = 管理账单：套餐、账单信息和发票

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
