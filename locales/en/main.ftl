# Frontdesk, English. Every user-facing string of pages and emails lives here.

## Navigation and layout
nav-label = Main navigation
nav-settings = Settings
nav-agents = Agents
nav-departments = Departments
nav-audit = Audit log
nav-logout = Log out

## Form fields
field-company = Company name
field-workspace = Workspace
field-workspace-slug = Workspace address (letters, digits and dashes)
field-name = Your name
field-email = Email
field-password = Password
field-new-password = New password
field-current-password = Current password
field-role = Role
field-departments = Departments
field-agent-name = Name
field-alias = Alias
field-alias-hint = Customers see the alias, when there is one, instead of the name.
field-gender = Gender
field-description = Description
field-department-name = Name
field-department-agents = Agents
action-cancel = Cancel
password-rules = Use 10 to 128 characters; not your email address and not a common password.

## Input errors
input-required = This field is required.
input-too-long = This is too long.
input-character-refused = Remove the character shown as �: control characters such as NUL (U+0000), and bytes that are not text, are not allowed.
input-slug-invalid = Use 2 to 40 lowercase letters, digits or dashes.
input-email-invalid = Enter a valid email address, like name@example.com.
password-too-short = Use at least 10 characters.
password-too-long = Use at most 128 characters.
password-is-email = Your password cannot be your email address.
password-too-common = This password is too common; choose one that is harder to guess.
password-unchanged = Choose a password other than your current one.
password-current-wrong = This is not your current password.
input-choice-invalid = Choose one of the options offered.

## Sign up
signup-title = Create your help desk
signup-intro = Start on the free plan; you can invite your team and change the plan later.
signup-submit = Create workspace
signup-have-account = Already have a workspace? Log in
signup-slug-taken = This workspace address is taken.
signup-slug-reserved = This workspace address is reserved; choose another.
signup-welcome = Your workspace is ready. Welcome to Frontdesk!

## Log in
login-title = Log in
login-submit = Log in
login-failed = The workspace, email or password is wrong.
login-invitation-expired = This invitation has expired. Ask an admin of the workspace to send you a new one.
login-forgot = Forgot your password?
login-signup = Create a new workspace

## Password reset
forgot-title = Reset your password
forgot-intro = Tell us your workspace and email; if they match an account, we will email you a link to set a new password.
forgot-submit = Email me a link
forgot-back = Back to log in
forgot-sent = If that address belongs to an account, a link to reset its password is on its way. It works for one hour.
reset-title = Choose a new password
reset-submit = Set new password
reset-done = Your password was changed. Log in with the new one.
reset-email-subject = Reset your Frontdesk password
reset-email-greeting = Hello { $name },
reset-email-body = Someone asked to reset your password for the workspace { $workspace }. Open this link within one hour to choose a new one:
reset-email-button = Choose a new password
reset-email-ignore = If you did not ask for this, ignore this email: your password stays as it is.

## Changing one's password
nav-password = Password
change-password-title = Change your password
change-password-forced = Welcome! Choose your own password to start: the one from the invitation works only until you do.
change-password-intro = Your other sessions, on other browsers and devices, end when you change it; this one stays.
change-password-submit = Change password
password-changed = Your password was changed. Your other sessions have ended.

## Home
home-greeting = Welcome, { $name }
home-your-role = Your role

## Roles and permissions
role-agent = Agent
role-admin = Admin
role-owner = Owner
gender-female = Female
gender-male = Male
gender-other = Other
gender-unspecified = Not specified

## Plans
plan-free = Free
plan-small = Small
plan-medium = Medium
plan-large = Large

## Agents
agents-title = Agents
agents-invite = Invite an agent
agents-seats-free = { $seats ->
    [1] 1 agent
   *[other] { $seats } agents
  }: no charge on the free plan.
agents-seats-cost = { $seats ->
    [1] 1 agent
   *[other] { $seats } agents
  } x { $price } = { $total } a month
agents-plan = Plan: { $plan }
agents-filter-role = Role
agents-filter-department = Department
agents-filter-search = Name or email
agents-filter-any = Any
agents-filter-submit = Filter
agents-filter-clear = Show everyone
agents-none-match = No agent matches these filters.
agents-column-name = Name
agents-column-state = State
agents-column-last-login = Last login
agents-column-actions = Actions
agents-state-invited = Invited
agents-state-active = Active
agents-state-expired = Invitation expired
agents-never = Never
agents-you = you
agents-edit = Edit
agents-delete = Delete
agents-no-departments = This workspace has no departments yet.
agents-invite-title = Invite an agent
agents-invite-intro = The new agent gets an email with the workspace, their email and a temporary password that works for 7 days. At their first login they choose their own.
agents-invite-cost-free = On the free plan this seat costs nothing.
agents-invite-prorated = This billing period it adds { $amount } for the { $days ->
    [1] 1 day
   *[other] { $days } days
  } left.
agents-invite-cost = This seat costs { $price } a month: { $seats } agents x { $price } = { $total } a month from now on.
agents-invite-submit = Send the invitation
agents-invited = The invitation is on its way.
agents-email-taken = An agent of this workspace already has this email.
agents-edit-title = Edit { $name }
agents-own-role = Nobody changes their own role.
agents-save = Save
agents-saved = Saved.
agents-resend-title = Invitation
agents-resend-intro = This agent has not chosen a password yet. A new invitation carries a new temporary password; the old one stops working.
agents-resend-submit = Send a new invitation
agents-invitation-resent = A new invitation is on its way; the old password no longer works.
agents-delete-link = Delete this agent
agents-delete-title = Delete { $name }?
agents-delete-consequences = When you delete this agent:
agents-delete-sessions = they are logged out everywhere at once and can no longer log in;
agents-delete-tickets = their tickets and messages stay, with their name on them;
agents-delete-seat = their seat is freed: { $seats } agents x { $price } = { $total } a month from the next period;
agents-delete-seat-free = their seat is freed (seats cost nothing on the free plan);
agents-delete-reinvite = their email address can be invited again later.
agents-delete-submit = Delete the agent
agents-deleted = The agent was deleted.
agents-refused-owners-only = Only an owner can make someone an owner, or change or delete an owner.
agents-refused-own-role = Nobody changes their own role.
agents-refused-last-owner = A workspace keeps at least one owner: make someone else owner first.
agents-refused-themselves = You cannot delete yourself.
agents-not-invited = This agent has chosen their password already; there is no invitation to send again.
invitation-email-subject = You are invited to { $company } on Frontdesk
invitation-email-greeting = Hello { $name },
invitation-email-body = { $inviter } invited you to answer customers of { $company } on Frontdesk. Log in with:
invitation-email-workspace = Workspace
invitation-email-address = Email
invitation-email-password = Password
invitation-email-login = Log in here:
invitation-email-button = Log in to Frontdesk
invitation-email-expiry = The password works for 7 days. When you log in, you will choose your own.

## Departments
departments-title = Departments
departments-intro = A department's tickets are seen by its agents; admins and owners see all, and tickets without a department are seen by everyone.
departments-empty = No departments yet.
departments-no-members = No agents
departments-no-agents = This workspace has no agents.
departments-new = New department
departments-create = Create department
departments-created = Department created.
departments-limit = The { $plan } plan allows one department.
departments-plan-limit = The free plan allows one department. Choose a paid plan to add more.
departments-upgrade = Change the plan
departments-ask-owner = An owner of the workspace can change the plan.
departments-name-taken = A department with this name exists already.
departments-edit-title = Department { $name }
departments-save = Save
departments-saved = Department saved.
departments-delete-link = Delete this department
departments-delete-title = Delete the department { $name }?
departments-delete-tickets = Its tickets stay, without a department: every agent then sees them.
departments-delete-agents = { $count ->
    [0] No agent belongs to it.
    [1] Its 1 agent stays in the workspace.
   *[other] Its { $count } agents stay in the workspace.
  }
departments-delete-submit = Delete the department
departments-deleted = Department deleted.

## Audit log
audit-title = Audit log
audit-intro = Who changed what in this workspace, and from where.
audit-empty = Nothing has been recorded yet.
audit-when = When
audit-who = Who
audit-what = What
audit-ip = IP address
audit-older = Older entries
audit-login = Logged in
audit-agent-invited = Invited an agent
audit-invitation-resent = Sent a new invitation
audit-agent-updated = Edited an agent
audit-role-changed = Changed a role
audit-agent-deleted = Deleted an agent
audit-department-created = Created a department
audit-department-updated = Edited a department
audit-department-deleted = Deleted a department
audit-settings-changed = Changed the workspace settings

## Workspace settings
settings-title = Workspace settings
field-support-address = Support address (optional)
field-support-address-hint = Customers' answers to our mail go here (Reply-To). Forward it to the inbound address below.
settings-submit = Save settings
settings-saved = Settings saved.

## Tickets
nav-queue = Queue
nav-tickets = Tickets
channel-email = Email
channel-form = Contact form
channel-chat = Chat
channel-agent = Started by an agent
status-new = New
status-open = Open
status-answered = Answered
status-postponed = Postponed
status-resolved = Resolved
status-spam = Spam
priority-low = Low
priority-normal = Normal
priority-high = High
priority-urgent = Urgent
type-billing = Billing
type-refund = Refund
type-bug = Bug
type-dispute = Dispute
type-feature = Feature request
type-usability = Usability
type-other = Other
message-kind-customer = Customer
message-kind-reply = Reply
message-kind-note = Internal note
message-kind-event = Change
queue-title = Queue
queue-intro = Tickets assigned to you, and unassigned ones of your departments, newest activity first.
queue-counts = Your queue by status
queue-heading = Your queue
queue-all = All tickets
tickets-title = Tickets
tickets-new = New ticket
tickets-free-plan-window = On the free plan, lists show the tickets of the last 7 days; older ones stay reachable by their number.
tickets-none = No tickets here.
tickets-search = Search
tickets-status-any = Any but spam
tickets-next-page = Next page
tickets-assignee-none = Unassigned
tickets-assignee-me = Me
ticket-subject = Subject
ticket-customer = Customer
ticket-status = Status
ticket-priority = Priority
ticket-type = Type
ticket-department = Department
ticket-no-department = No department
ticket-assignee = Assignee
ticket-activity = Last activity
ticket-thread = Conversation
ticket-reply = Reply to the customer
ticket-reply-body = Message
ticket-signature = Your signature is added below the message:
ticket-reply-submit = Send reply
ticket-reply-anyway = Send my reply anyway
ticket-replied-meanwhile = { $names } replied while you were writing. Read their reply above, then send yours if it is still needed.
ticket-note = Internal note
ticket-note-body = Note (seen by agents only, never emailed)
ticket-note-submit = Add note
ticket-properties = Properties
ticket-postponed-until = Postponed until (when the status is Postponed)
ticket-save = Save
ticket-assign-me = Assign to me
ticket-reply-sent = Reply sent.
ticket-note-added = Note added.
ticket-saved = Ticket saved.
ticket-created = Ticket created and emailed to the customer.
ticket-no-customer-address = This ticket has no reply address, so no email reply can be sent. Add an internal note instead.
ticket-no-reply-address = No reply address
ticket-email-reply-impossible = The customer's message came without an address we can write to, so an email reply cannot be sent. Internal notes still work.
ticket-postpone-future = Choose a day after today.
ticket-assignee-not-in-department = This agent is not in the ticket's department.
inbound-attachment-not-kept = [{ $name }: { $size } not kept]
ticket-no-subject = (no subject)
input-date-invalid = Enter a date like 2026-12-31.
tickets-new-intro = The customer gets your message by email, with a link to follow the ticket.
tickets-new-submit = Create and send
ticket-customer-name = Customer name
ticket-customer-email = Customer email
event-status = Status: { $value }
event-reopened = The customer wrote again: the ticket is open again.
event-priority = Priority: { $value }
event-type = Type: { $value }
event-department = Department: { $value }
event-no-department = No department
event-assigned = Assigned to { $value }
event-unassigned = Unassigned
event-postponed = Postponed until { $value }
event-other = { $value }
ticket-email-greeting = Hello { $name },
ticket-email-greeting-no-name = Hello,
ticket-email-received = thank you for writing to { $company }. We received your message as ticket #{ $number } and will answer soon. You can reply to this email to add to it.
ticket-email-follow = Follow your ticket and answer here:

## Contact form and the customer's page
contact-title = Contact { $company }
contact-intro = Tell us what you need; we will answer by email.
contact-name = Your name
contact-type = What is it about?
contact-message = Message
contact-submit = Send
contact-sent = Thank you! We received your message and emailed you a link to this page.
customer-page-private = This page is private: anyone with its address can read it.
customer-you = You
customer-reply = Add a message
customer-reply-submit = Send
customer-reply-sent = Your message was added.

## Inbound email (workspace settings)
settings-inbound-title = Email into tickets
settings-inbound-intro = Mail posted to this address becomes tickets of this workspace; answers to our replies join their ticket.
settings-inbound-step-provider = In your mail provider (Mailgun, Postmark, SendGrid, Amazon SES or your own server), set up an inbound route for your support address.
settings-inbound-step-raw = Have it POST each message, raw (RFC 5322, "MIME" or "full message"), to the address above. From a mail server, pipe it with: curl --data-binary @- -H "Content-Type: message/rfc822" followed by the address.
settings-inbound-step-forward = Forward your support address to the provider, then send a test message: it appears in the queue.
settings-inbound-secret = Keep this address secret: whoever knows it can create tickets.
settings-contact-form = Your public contact form

## Errors
error-not-found = This page does not exist, or you cannot see it.
error-link-expired = This link is no longer valid. Links in emails work once, for a limited time.
error-forbidden = You do not have permission to do this.
error-csrf = This form has expired. Go back, reload the page and try again.
error-too-many = Too many attempts. Wait 15 minutes and try again.
error-too-large = What you sent is too large.
error-bad-request = The request could not be understood.
error-unavailable = Frontdesk is briefly unavailable. Try again in a moment.
error-internal = Something went wrong on our side. We have logged it.
error-request-id = Reference: { $id }
error-back-to-panel = Back to Frontdesk
error-to-login = Go to the login page

## Billing
nav-billing = Billing
audit-plan-changed = Changed the plan
audit-billing-details-changed = Changed the billing details
billing-title = Billing
billing-overview = Plan and seats
billing-invoices = Invoices
billing-details = Billing details
billing-current-plan = Current plan
billing-seats-explained = Every agent who is not deleted is a seat: owners, admins and pending invitations included.
billing-period = Billing period
billing-period-range = { $from } to { $to }
billing-next-invoice = Next invoice
billing-no-invoice-due = { $date } (nothing to invoice so far)
billing-accrued = This period so far
billing-accrued-none = Nothing to pay in this period so far.
billing-accrued-total = Accrued this period
billing-line = Item
billing-amount = Amount
billing-line-plan = { $plan } plan: { $seats ->
    [1] 1 agent
   *[other] { $seats } agents
  } x { $price }
billing-line-seat = Seat added on { $date } ({ $who }): { $price } on the { $plan } plan for { $days } of { $period_days } days
billing-line-change = Plan changed from { $from } to { $to } on { $date }: { $seats ->
    [1] 1 agent
   *[other] { $seats } agents
  } x { $price } difference for { $days } of { $period_days } days
billing-plans = Plans
billing-plan = Plan
billing-price-per-seat = Per agent a month
billing-limits = Limits
billing-limits-free = { $departments ->
    [1] 1 department
   *[other] { $departments } departments
  }; tickets older than 7 days are hidden from lists
billing-limits-none = None
billing-you-would-pay = You would pay
billing-per-month = { $total } a month
billing-current = Your plan
billing-switch = Switch to this plan
billing-choose = Choose
billing-confirm-title = Switch to the { $plan } plan?
billing-confirm-charge = You will be charged { $amount } for the { $days ->
    [1] 1 day
   *[other] { $days } days
  } left in this period, then { $monthly } a month.
billing-confirm-credit = You will be credited { $amount } for the { $days ->
    [1] 1 day
   *[other] { $days } days
  } left in this period, then { $monthly } a month.
billing-confirm-detail = { $seats ->
    [1] 1 agent
   *[other] { $seats } agents
  } x { $price } from the period starting { $next }. The change holds at once.
billing-confirm-submit = Switch to { $plan }
billing-confirm-cancel = Keep my plan
billing-free-refused = The free plan allows { $limit ->
    [1] 1 department
   *[other] { $limit } departments
  } and this workspace has { $count }: { $names }. Delete departments until { $limit ->
    [1] one is
   *[other] { $limit } are
  } left, then switch.
billing-free-departments-link = Manage departments
billing-plan-changed = The plan is changed. Every owner gets an email about it.
billing-plan-unchanged = The workspace is already on that plan.
billing-invoices-none = No invoices yet. An invoice is issued when a billing period that cost anything ends.
billing-invoice = Invoice
billing-invoice-number = Number
billing-total = Total
billing-subtotal = Subtotal
billing-issued-at = Issued
billing-invoices-back = All invoices
billing-invoice-print-hint = To keep a PDF, print this page and choose "Save as PDF".
billing-seller = From
billing-bill-to = Bill to
billing-invoice-no-payment = Amounts in US dollars. Frontdesk takes no payment itself: pay as agreed with the seller.
billing-details-intro = Printed on invoices issued from now on. Invoices already issued keep the details they were issued with.
billing-details-submit = Save billing details
billing-details-saved = Billing details saved.
billing-vat-id-invalid = Enter a VAT id with its two-letter country prefix, like DE123456789.
field-address = Address
field-country = Country
field-vat-id = VAT id
field-billing-email = Billing email
field-billing-email-hint = Invoices are also emailed here, besides the owners.
billing-email-plan-subject = { $company }: the plan is now { $plan }
billing-email-plan-body = { $who } changed the plan of { $company } from { $from } to { $to }.
billing-email-plan-charge = { $amount } is charged for the { $days ->
    [1] 1 day
   *[other] { $days } days
  } left in this period; from { $next } the workspace pays { $monthly } a month ({ $seats ->
    [1] 1 agent
   *[other] { $seats } agents
  } x { $price }).
billing-email-plan-credit = { $amount } is credited for the { $days ->
    [1] 1 day
   *[other] { $days } days
  } left in this period; from { $next } the workspace pays { $monthly } a month ({ $seats ->
    [1] 1 agent
   *[other] { $seats } agents
  } x { $price }).
billing-email-open-billing = Open billing
billing-email-invoice-subject = { $company }: invoice { $number } for { $total }
billing-email-invoice-body = Invoice { $number } for { $company } is issued: { $total } for the period { $from } to { $to }.
billing-email-open-invoice = View the invoice

## Profile
error-no-upload = This form takes no files.
nav-account-menu = Your account
nav-profile = Profile
nav-two-factor = Two-factor login
nav-notifications = Notifications
language-en = English
language-workspace-default = Workspace default ({ $language })
language-switch = Language
language-zh-cn = 简体中文
theme-light = Light
theme-dark = Dark
theme-system = Same as my system
device-web_phone = Web phone
device-desk_phone = Desk phone
device-mobile_app = Mobile app
profile-title = Your profile
profile-photo = Photo
profile-photo-choose = Choose a photo
profile-photo-hint = PNG, JPEG or WebP, up to 2 MB. It is cropped to a square.
profile-photo-upload = Upload photo
profile-photo-remove = Remove photo
profile-photo-saved = Photo saved.
profile-photo-removed = Photo removed.
profile-photo-missing = Choose a picture to upload.
profile-photo-too-large = This picture is larger than 2 MB. Choose a smaller one.
profile-photo-not-image = This is not a PNG, JPEG or WebP picture.
field-signature = Signature
field-signature-hint = Plain text added under every reply you send.
field-theme = Theme
field-language = Language
profile-call-center = Call center
field-device = Device
field-extension = Extension
profile-extension-invalid = Use digits, * and # only.
profile-submit = Save profile
profile-saved = Profile saved.
profile-receives = What you receive
profile-receives-intro = Tickets of these departments reach you; switch off their chats or their calls if you do not take them.
profile-receives-none = You are in no department: you receive tickets without a department and those assigned to you.
profile-receives-set-by-admins = Admins choose the departments of each agent; you choose what of them reaches you.

## Two-factor login
two-factor-title = Two-factor login
two-factor-intro = With two-factor login, logging in takes a six-digit code from an authenticator app on your phone as well as your password.
two-factor-required-notice = Your workspace requires two-factor login. Set it up here to go on working.
two-factor-scan-title = 1. Add Frontdesk to your authenticator app
two-factor-scan = Scan this QR code with your authenticator app.
two-factor-qr-alt = QR code for your authenticator app
two-factor-manual = Or enter this address or the secret below in your app by hand:
two-factor-secret = Secret
two-factor-confirm-title = 2. Confirm with a code
field-two-factor-code = Code
two-factor-enable-submit = Turn on two-factor login
two-factor-code-wrong = This code is not right. Check the time on your phone and try the newest code.
two-factor-turned-on = Two-factor login is on.
two-factor-recovery-title = Your recovery codes
two-factor-recovery-intro = If you lose your phone, each of these codes logs you in once instead of a code from the app. Keep them somewhere safe.
two-factor-recovery-once = They are shown only this once.
two-factor-continue = Continue
two-factor-is-on = Two-factor login is on: logging in takes a code from your authenticator app.
two-factor-recovery-left = { $count ->
    [0] No recovery codes are left.
    [1] 1 recovery code is left.
   *[other] { $count } recovery codes are left.
  }
two-factor-disable-title = Turn off two-factor login
two-factor-disable-intro = Enter your password to turn it off. Your recovery codes stop working.
two-factor-disable-submit = Turn off two-factor login
two-factor-turned-off = Two-factor login is off.
two-factor-login-title = Enter your code
two-factor-login-intro = Enter the six-digit code your authenticator app shows for Frontdesk.
two-factor-login-recovery-hint = Lost your phone? Enter one of your recovery codes instead.
two-factor-login-submit = Log in
two-factor-login-restart = Start again
two-factor-reset-own = Turn off your own two-factor login on your profile, with your password.
two-factor-reset-done = Two-factor login is off for this agent.
field-require-2fa = Require two-factor login
field-require-2fa-hint = Agents without two-factor login are led to set it up before anything else.
agents-two-factor = Two-factor login
agents-two-factor-on = On
agents-two-factor-off = Off
agents-two-factor-reset-title = Reset two-factor login
agents-two-factor-reset-intro = For an agent who lost their phone and recovery codes: turns two-factor login off, so that they log in with their password and set it up again.
agents-two-factor-reset-submit = Reset two-factor login
audit-two-factor-enabled = Turned on two-factor login
audit-two-factor-disabled = Turned off two-factor login
audit-two-factor-reset = Reset an agent's two-factor login
audit-require-2fa-on = two-factor login required
audit-require-2fa-off = two-factor login optional

## Notifications and the live panel
notifications-title = Notifications
notifications-email-title = Email
notifications-email-legend = Email me when
notifications-email-new-ticket = a new ticket comes in for one of my departments
notifications-email-assigned = someone else assigns a ticket to me
notifications-email-customer-reply = a customer replies to a ticket assigned to me
notifications-email-hint = Tickets without a department email nobody: they wait in everyone's queue.
notifications-slack-title = Slack
field-slack-webhook-url = Slack webhook address
notifications-slack-hint = An incoming-webhook address from Slack (https://hooks.slack.com/…). The notifications you get by email go there too. Leave it empty for none.
notifications-webhook-invalid = Enter an https:// address (http:// only for this machine: localhost, 127.0.0.1 or ::1).
notifications-sound-title = Sounds
notifications-sound-legend = In the panel, play a sound for
notifications-sound-new-call = a new call
notifications-sound-new-chat = a new chat
notifications-sound-new-message = a customer's new message
notifications-sound-new-system-message = a system message (a ticket assigned to me)
notifications-sound-new-ticket = a new ticket
notifications-sound-hint = Browsers stay silent until you press "Enable sound" at the top of a page; this browser remembers that choice.
notifications-submit = Save notifications
notifications-saved = Notification settings saved.
notify-greeting = Hello { $name },
notify-new-ticket = A new ticket came in for { $department }: #{ $number } "{ $subject }" from { $who }.
notify-new-ticket-no-department = A new ticket came in: #{ $number } "{ $subject }" from { $who }.
notify-assigned = { $who } assigned ticket #{ $number } "{ $subject }" to you.
notify-customer-reply = { $who } replied to ticket #{ $number } "{ $subject }", which is assigned to you.
notify-subject-new-ticket = [#{ $number }] New ticket: { $subject }
notify-subject-assigned = [#{ $number }] Assigned to you: { $subject }
notify-subject-customer-reply = [#{ $number }] Customer reply: { $subject }
notify-open = Open the ticket
notify-why = You get this email because of your notification settings:
notify-someone = Someone
sound-enable = Enable sound
sound-disable = Mute sound
queue-live-activity = There is new activity in your queue.
queue-live-reload = Reload
queue-notifications = Notification settings

# Reports
nav-my-report = My report
nav-reports = Reports
report-mine-title = My work
report-agent-title = Work of { $name }
report-team-title = Team report
report-back-to-team = Back to the team report
report-period = Period
report-period-hour = Hour
report-period-day = Day
report-period-week = Week (from Monday)
report-period-month = Month
report-from = From
report-to = To
report-all-departments = All departments
report-show = Show
report-download-csv = Download CSV
report-range-reversed = The start of the range is after its end.
report-range-too-long = Choose a range of three years at most.
report-too-many-buckets = That range has too many rows for this period: choose a shorter range or a longer period.
report-date-invalid = Enter a date as YYYY-MM-DD.
report-format-invalid = The only export format is csv.
report-department-unknown = There is no such department.
report-no-department = No department
report-new-tickets = New tickets
report-customer-messages = Customer messages
report-replies = Replies sent
report-notes = Internal notes
report-assigned = Tickets assigned
report-resolved = Tickets resolved
report-first-response = First response time
report-first-response-median = First response (median)
report-first-response-p90 = First response (90th percentile)
report-resolution = Resolution time
report-resolution-median = Resolution (median)
report-resolution-p90 = Resolution (90th percentile)
report-chart-work = Work per period
report-chart-count = Count
report-chart-times = Median times per period
report-chart-hours = Hours
report-total = Total
report-csv-section = Section
report-csv-name = Name
report-agent = Agent
report-agent-deleted = deleted
report-department = Department
report-by-period = By period
report-by-agent = By agent
report-by-department = By department
report-by-channel = New tickets by channel
report-by-type = New tickets by issue type
report-channel = Channel
report-customer-hours = When customers write in
report-weekday = Weekday
report-customer-hours-hint = Customer messages by weekday and hour of day, in the workspace's time zone.
report-definitions = How the figures are counted
report-buckets = Periods
report-buckets-definition = Days, weeks (Monday to Sunday), months and hours are those of the workspace's time zone, set in Settings: a day runs from local midnight to midnight, so the day clocks change has 23 or 25 hours, and the hour repeated when clocks go back is shown twice, with its offset from UTC. The last day of the range is included.
report-replies-definition = Replies emailed to customers and internal notes, counted for the agent who wrote them and the department the ticket was in at that moment. Internal notes are never responses.
report-assigned-definition = Each time a ticket was assigned to the agent, by anyone (themselves included), when it was created or later.
report-resolved-definition = Each time the agent set a ticket to resolved. A ticket resolved, reopened by the customer and resolved again counts twice.
report-first-response-definition = The clock starts when the ticket is created (the customer's first message) and stops at the first reply sent to the customer. Internal notes, assignments and status changes do not stop it. It counts for the agent who sent that reply, in the period of the reply. Tickets that an agent started have no first response time.
report-resolution-definition = From the ticket's creation to its resolution, not counting the time it spent postponed, nor the time it was resolved before the customer reopened it. It counts for the agent who resolved it, in the period of the resolution.
report-percentiles = Median and 90th percentile
report-percentiles-definition = Half of the times are shorter than the median; nine in ten are shorter than the 90th percentile (interpolated between the two nearest times). A dash means nothing was timed.
report-incoming-definition = Tickets created in the period, by how they came in and by their issue type today, in the department they were created in; and every message customers wrote.
weekday-mon = Mon
weekday-tue = Tue
weekday-wed = Wed
weekday-thu = Thu
weekday-fri = Fri
weekday-sat = Sat
weekday-sun = Sun
duration-seconds = { $seconds } s
duration-minutes = { $minutes } min
duration-hours = { $hours } h { $minutes } min
duration-days = { $days } d { $hours } h
format-date = { $monthName } { $day }, { $year }
format-datetime = { $date }, { $time }
month-1 = Jan
month-2 = Feb
month-3 = Mar
month-4 = Apr
month-5 = May
month-6 = Jun
month-7 = Jul
month-8 = Aug
month-9 = Sep
month-10 = Oct
month-11 = Nov
month-12 = Dec
field-default-language = Default language
field-default-language-hint = Customers read the help center, the contact form, their tickets, chats and emails in this language, and so do agents who have not chosen their own in their profile.
size-bytes = { $size } B
size-kb = { $size } KB
size-mb = { $size } MB
field-time-zone = Time zone
field-time-zone-hint = Pages and emails write dates and times in this time zone, and reports count their days and hours in it.
settings-time-zone-unknown = Choose a time zone from the list.

## Knowledge base
nav-kb = Knowledge base
kb-title = Knowledge base
kb-new-article = New article
kb-edit-article = Edit article
kb-back = Back to the knowledge base
kb-search = Search articles, drafts included
kb-search-submit = Search
kb-search-results = Search results
kb-did-you-mean = Did you mean:
kb-no-results = No article matches.
kb-all-articles = All articles
kb-articles = Articles
kb-empty = No articles yet.
kb-category-articles = { $count ->
    [one] one article
   *[other] { $count } articles
}
kb-field-title = Title
kb-field-slug = Address (slug)
kb-slug-hint = Lowercase letters, digits and dashes; left empty, it is made from the title.
kb-slug-taken = Another article has this address.
kb-field-category = Category
kb-no-category = No category
kb-field-body = Text (Markdown)
kb-field-status = Status
kb-status-draft = Draft
kb-status-published = Published
kb-updated-by = Updated by
kb-updated-at = Updated
kb-helpful = Helpful (yes / no)
kb-votes = { $yes } / { $no }
kb-history = History
kb-history-title = History of “{ $title }”
kb-revision-current = current
kb-restore = Restore this version
kb-restored = The version was restored.
kb-preview = Preview
kb-preview-hint = Preview: nothing is saved yet.
kb-save = Save
kb-article-saved = The article was saved.
kb-article-deleted = The article was deleted.
kb-delete-title = Delete “{ $title }”?
kb-delete-consequence = The article and its history are deleted, and its address stops working.
kb-delete-submit = Delete
kb-categories-title = Categories
kb-categories-intro = Categories group the help center's articles, in the order of their position.
kb-categories-empty = No categories yet.
kb-category-new = New category
kb-category-create = Add category
kb-category-saved = The category was saved.
kb-category-deleted = The category was deleted.
kb-category-name-taken = Another category has this name.
kb-category-delete-title = Delete the category “{ $name }”?
kb-category-delete-consequence = Its articles stay, without a category.
kb-field-name = Name
kb-field-position = Position
kb-position-hint = Categories are listed from the lowest position.
kb-position-invalid = Enter a whole number.
help-title = { $company } help center
help-description = Answers to common questions from { $company }.
help-search = Search for answers
help-results-for = Results for “{ $query }”
help-all-articles = All articles
help-empty = No articles yet.
help-more-articles = More articles
help-not-found = Didn't find what you were looking for?
help-contact = Contact us
help-breadcrumbs = Where you are
help-updated = Updated { $date }
help-vote-question = Did this answer your question?
help-vote-yes = Yes
help-vote-no = No
help-voted-yes = You found this helpful.
help-voted-no = You told us this did not answer your question.
help-related = Related articles
kb-vote-thanks = Thank you for your answer.
contact-help-center = Browse the help center
contact-find-answers = Find answers
contact-suggestions = These articles may answer your question:
ticket-kb-legend = Knowledge base
ticket-kb-search = Find an article to link
ticket-kb-insert = Insert link
help-category-all = All articles of this category

## Live chat
nav-chats = Chats
chat-state-waiting = Waiting for an agent
chat-state-active = In progress
chat-state-ended = Ended
chat-state-missed = Left as a message
availability-online = Online
availability-away = Away
availability-offline = Offline
availability-label = Your availability
chat-taken = This chat was already taken by { $name }.
chat-not-waiting = This chat is no longer waiting.
chat-accepted = You accepted the chat.
chat-ended = The chat has ended.
chat-end = End chat
chat-visitor = Visitor
chat-transcript-intro = Here is the transcript of your chat with us. Reply to this email to continue the conversation.
chat-closed = This chat has ended; start a new one to write again.
chat-start-title = Chat with { $company }
chat-start-intro = Write your question; an agent will answer here in a moment.
chat-email-optional = Email (optional, for the transcript)
chat-department = Department
chat-any-department = Any department
chat-start-submit = Start chat
chat-title = Chat
# The button the chat script adds to the company's own site.
chat-widget-button = Chat
chat-with = You are chatting with { $name }.
chat-missed-title = Nobody is free right now
chat-missed-intro = Leave your email address and we will answer your message by email.
chat-missed-submit = Leave a message
chat-send = Send
chats-title = Chats
chats-none = No chats are waiting or in progress.
chats-visitor = Visitor
chats-department = Department
chats-state = State
chats-since = Started
chats-accept = Accept
chat-settings-title = Live chat
chat-settings-link = Chat settings: wait time and the sites that may show the chat
chat-snippet-title = Chat button for your website
chat-snippet-intro = Paste this line into your website's pages to add a chat button.
chat-wait-minutes = Wait for an agent (minutes)
chat-wait-hint = When no agent accepts a chat within this time, the visitor is offered to leave a message, which becomes an email ticket.
chat-wait-invalid = Enter a whole number of minutes from 1 to 60.
chat-origins = Sites that may show the chat
chat-origins-hint = One origin per line, such as https://www.example.com. Only these sites may show the chat in a frame.
chat-origin-invalid = Enter origins such as https://www.example.com (scheme and host, no path).
chat-origins-too-many = At most 20 sites.
event-chat = The visitor started a chat.
event-chat-accepted = { $value } accepted the chat.
event-chat-ended = { $value } ended the chat.
event-chat-missed = Nobody accepted the chat; the visitor left the address { $value } for an answer by email.
report-chats-received = Chats received
report-chats-missed = Chats missed
report-chats-accepted = Chats accepted
report-chat-accept-median = Time to accept a chat (median)
chat-came-from = Came from
chat-earlier-tickets = Earlier tickets
field-department-chat = Takes live chats
field-department-chat-hint = Visitors starting a chat choose among the departments that take chats, when there are several; its online agents are rung.

# Canned answers
nav-canned = Canned answers
canned-title = Canned answers
canned-intro = Answers you give often, ready to insert into a reply. Your own are yours alone; shared ones, written by admins, are offered to everyone (or on one department's tickets). The most used come first.
canned-new = New canned answer
canned-empty = No canned answers yet.
canned-column-kind = For
canned-column-uses = Used
canned-shared = Everyone
canned-shared-department = { $department } tickets
canned-own = You
canned-edit-title = Edit canned answer
canned-save = Save
canned-created = Canned answer created.
canned-saved = Canned answer saved.
canned-deleted = Canned answer deleted.
canned-delete-link = Delete this canned answer
canned-delete-title = Delete the canned answer “{ $title }”?
canned-delete-shared = It is shared: nobody in the workspace will be offered it any more.
canned-delete-submit = Delete the canned answer
canned-placeholders-hint = Placeholders, filled in for each ticket (a missing value, such as a customer without a name, is left out):
canned-placeholder-unknown = Unknown placeholder. Use only the placeholders listed below, written exactly as shown.
canned-department-shared-only = Only a shared answer can be for one department.
canned-every-department = Every department
field-canned-title = Title
field-canned-body = Text
field-canned-shared = Shared with the whole workspace
field-canned-shared-hint = Every agent is offered it; only admins and owners can change it.
field-canned-department = Offered on the tickets of
ticket-canned = Canned answer
ticket-canned-search = Search canned answers
ticket-canned-insert = Insert
ticket-canned-manage = Manage

# Tags
settings-tags-link = Manage tags
tags-title = Tags
tags-intro = Agents tag tickets on their pages. Renaming a tag to the name of another merges the two; deleting one takes it off every ticket.
tags-empty = No tags yet: agents add them on a ticket's page.
tags-column-tickets = Tickets
tags-rename = Rename
tags-show-tickets = Show its tickets
tags-delete = Delete
tags-renamed = Tag renamed.
tags-merged = Tag merged into the one of that name.
tags-deleted = Tag deleted and taken off its tickets.
tags-too-long = A tag has at most 50 characters.
tags-too-many = A ticket has at most 20 tags.
tags-comma = A tag cannot contain a comma.
field-tag-name = Tag
ticket-tags = Tags
ticket-tags-field = Tags of this ticket
ticket-tags-hint = Separated by commas, up to 20.
ticket-tags-save = Save tags
ticket-tags-saved = Tags saved.
ticket-tag = Tag
ticket-channel = Channel
event-tagged = Tagged: { $value }
event-untagged = Tag removed: { $value }
audit-tag-renamed = Renamed a tag
audit-tag-deleted = Deleted a tag

# Bulk actions on the ticket lists
bulk-legend = With the ticked tickets:
bulk-select-all = Select all on this page
bulk-assign = Assign to
bulk-status = Set the status
bulk-priority = Set the priority
bulk-department = Move to
bulk-tag = Add the tag
bulk-spam = Mark as spam
bulk-apply = Apply
tickets-bulk-done = { $updated ->
    [one] 1 ticket updated
   *[other] { $updated } tickets updated
}, { $skipped } skipped.
tickets-bulk-none = Tick at least one ticket, then choose what to do with them.
tickets-bulk-too-many = At most 1,000 tickets at once.

# Merging tickets
status-merged = Merged
ticket-merge-link = Merge into another ticket…
ticket-merge-title = Merge ticket #{ $number }
ticket-merge-intro = Its messages move into the other ticket's thread, in time order; this ticket is closed for good, and its number, its customer's link and mail answering it lead to the other ticket.
ticket-merge-into-number = Number of the ticket to merge into
ticket-merge-next = Next
ticket-merge-from = This ticket
ticket-merge-into = Into
ticket-merge-different-customers = The two tickets come from different addresses: each customer will see the other's messages on their page.
ticket-merge-notify = Tell this ticket's customer by email
ticket-merge-submit = Merge #{ $from } into #{ $into }
ticket-merge-number = Enter the number of a ticket, like 1042.
ticket-merge-itself = A ticket cannot be merged into itself.
ticket-merge-not-found = There is no ticket of that number that you can see.
ticket-merge-into-merged = That ticket was merged itself: merge into the ticket it went into.
ticket-merge-already = This ticket was merged already.
ticket-merge-live-chat = This chat is still going on: end it first.
ticket-is-merged = This ticket was merged into another: continue there.
ticket-merged = Ticket #{ $from } merged into #{ $into }.
ticket-merged-email = Your request #{ $from } is now part of request #{ $into }: we continue there, and your answers to this email reach us.
event-merged = Merged in: { $value }
event-merged-into = Merged into { $value }
event-split = Split into { $value }
event-split-from = Split from { $value }
ticket-split = Split into a new ticket
ticket-split-with-later = with the messages after it
ticket-split-done = Split into the new ticket #{ $number }.
ticket-split-customer-only = Only a customer's message can start a new ticket.
ticket-split-everything = Splitting would leave this ticket without a message: there is nothing to split off.
ticket-changed-meanwhile = Someone else changed this while you had the page open: this is its current value.
ticket-changed-meanwhile-intro = Nothing was saved: another agent changed this ticket while you had it open. The form shows the current values; the thread shows who changed what. Check them and save again.
attachments-field = Attach files
attachments-hint = Up to 10 files, 25 MB together. After an error, choose the files again.
attachments-too-many = At most 10 files can go with one message.
attachments-too-large = The files together are larger than 25 MB. Leave some out or send them in another message.
attachments-not-in-chat = Files cannot be sent in a live chat. Send the reply without them, or by email once the chat has ended.
ticket-presence-viewing = { $name } has this ticket open
ticket-presence-typing = { $name } is typing a reply…

# Service levels
hours-title = Business hours
hours-intro = The hours in which SLA policies that count business hours run, on the clocks of the workspace's time zone ({ $zone }, set in Settings). Without any hours, every policy counts around the clock.
hours-week = Open hours per weekday
hours-ranges-hint = Ranges such as 09:00-12:00, 13:00-17:00, separated by commas. Leave a day empty when closed. A range like 22:00-06:00 runs past midnight.
hours-holidays = Holidays
hours-holidays-hint = One date a line, like 2026-12-25. No range begins on a holiday.
hours-save = Save hours
hours-saved = Business hours saved.
hours-range-invalid = Write ranges as 09:00-17:00, separated by commas.
hours-too-many-ranges = At most 6 ranges a day.
hours-holiday-invalid = Write each holiday as a date like 2026-12-25, one a line.
hours-too-many-holidays = At most 366 holidays.
sla-title = SLA policies
sla-intro = A ticket follows the first policy in this order whose conditions all hold. Its clocks pause while it waits on the customer or is postponed.
sla-new = New policy
sla-edit-title = Edit SLA policy
sla-empty = No SLA policies yet: tickets have no due times.
sla-column-applies = Applies to
sla-column-targets = Targets
sla-every-ticket = Every ticket
sla-any = Any
sla-conditions = Applies to tickets with
sla-conditions-hint = Leave a condition on "Any" to apply to every value.
sla-targets = Targets in minutes
sla-targets-hint = Leave a target empty for none; set at least one. 60 is an hour, 480 eight hours, 1440 a day.
sla-first-response = First response
sla-next-response = Next response
sla-resolution = Resolution
field-sla-name = Name
field-sla-business-hours = Count business hours only
sla-business-hours = business hours
sla-around-the-clock = around the clock
sla-save = Save policy
sla-delete = Delete
sla-move-up = Move { $name } up
sla-move-down = Move { $name } down
sla-policy-created = SLA policy created.
sla-policy-saved = SLA policy saved.
sla-policy-deleted = SLA policy deleted.
sla-minutes-invalid = Enter whole minutes from 1 to 525600, or leave it empty.
sla-no-target = Set at least one target.
sla-heading = Service level
sla-due = due in { $duration } ({ $at })
sla-overdue = overdue by { $duration }
sla-never-due = no open hours ahead
sla-paused-left = paused, { $duration } left
sla-paused-overdue = paused, overdue by { $duration }
sla-paused-for = paused for { $duration } in all
sla-met = met ({ $at })
sla-missed = missed ({ $at })
audit-business-hours-changed = Changed the business hours
audit-sla-policy-created = Created an SLA policy
audit-sla-policy-updated = Changed an SLA policy
audit-sla-policy-deleted = Deleted an SLA policy
settings-service-levels = Business hours and SLA policies
sla-list-due = { $target } due in { $duration }
sla-list-overdue = { $target } overdue by { $duration }
sla-filter-breached = Overdue
sla-filter-due-soon = Due within the hour
tickets-sort = Order
tickets-sort-activity = Latest activity
tickets-sort-due = Due first
notifications-email-sla-breached = A target of a ticket's SLA policy was missed (its assignee, or its department's agents, and the admins)
notify-sla-breached = Ticket #{ $number } "{ $subject }" missed its { $target } target.
notify-subject-sla-breached = SLA missed: #{ $number } { $subject }

## Rules
rules-title = Rules
rules-new = New rule
rules-edit-title = Edit rule
rules-intro = When something happens to a ticket and all of a rule's conditions hold, its actions run. Rules run in this order; a rule that stops the chain ends it. What a rule does is not itself an event for other rules.
rules-empty = No rules yet.
rules-column-when = When
rules-column-if = If
rules-column-then = Then
rules-disabled = Off
rules-stops = Stops the chain
rules-move-up = Move { $name } up
rules-move-down = Move { $name } down
rules-delete = Delete
rules-save = Save rule
rules-hours-hint = For "hours since the last update" only: a ticket left alone (no message, no change) this long meets the rule once.
rules-conditions = Conditions
rules-conditions-hint = Every condition must hold; none means every ticket. Departments, agents and values are named as they read here; an empty department or assignee means none.
rules-actions = Actions
rules-actions-hint = Run in this order. Name the department, agent, tag or shared canned answer, or write the note.
rules-condition-field = Condition
rules-condition-op = Comparison
rules-condition-value = Value
rules-action-type = Action
rules-action-value = Its value
rules-every-ticket = Every ticket
rule-when-hours = { $hours } h since the last update
rule-created = The rule was created.
rule-saved = The rule was saved.
rule-deleted = The rule was deleted.
rule-value-gone = (deleted)
rule-value-unknown = Nothing of that name: choose one of the suggestions.
rule-op-unfit = This comparison only fits text: use "is" or "is not".
rule-row-invalid = A row below cannot be used as written.
rule-no-action = Add at least one action.
rule-too-many-rows = At most 20 rows.
rule-hours-invalid = Whole hours from 1 to 8760.
field-rule-name = Name
field-rule-enabled = On
field-rule-event = When
field-rule-hours = Hours
field-rule-stop = Stop after this rule
rule-event-ticket_created = A ticket is created
rule-event-customer_replied = The customer replies
rule-event-agent_replied = An agent replies
rule-event-status_changed = The status changes
rule-event-hours_since_update = Hours since the last update
rule-field-channel = Channel
rule-field-department = Department
rule-field-type = Type
rule-field-priority = Priority
rule-field-status = Status
rule-field-tag = Tag
rule-field-assignee = Assignee
rule-field-subject = Subject
rule-field-body = Message
rule-field-customer_email = Customer's email
rule-op-is = is
rule-op-is_not = is not
rule-op-contains = contains
rule-op-not_contains = does not contain
rule-op-starts_with = starts with
rule-action-set_department = Set the department
rule-action-set_assignee = Assign to
rule-action-assign_round_robin = Assign in turn (round-robin)
rule-action-set_priority = Set the priority
rule-action-set_type = Set the type
rule-action-set_status = Set the status
rule-action-add_tag = Add the tag
rule-action-remove_tag = Remove the tag
rule-action-reply_canned = Reply with the canned answer
rule-action-add_note = Add an internal note
rule-action-notify_agent = Notify the agent
rule-failed-department_gone = the department no longer exists
rule-failed-agent_gone = the agent no longer exists
rule-failed-not_in_department = the agent is not in the ticket's department
rule-failed-no_department = the ticket has no department
rule-failed-canned_gone = the canned answer no longer exists
rule-failed-no_address = the customer has no email address
rule-failed-error = an error occurred
audit-rule-created = Created a rule
audit-rule-updated = Changed a rule
audit-rule-deleted = Deleted a rule
audit-rule-failed = A rule was skipped
event-by-rule = Rule "{ $name }"
event-rule-replied = Replied with the canned answer { $value }
event-rule-notified = Notified { $value }
notify-rule = The rule "{ $rule }" asks you to look at ticket #{ $number } "{ $subject }".
notify-subject-rule = Please look at #{ $number } { $subject }
field-department-round-robin = Hand new tickets to its online agents in turn
field-department-max-open = Most tickets still to do per agent (optional)
department-max-open-invalid = A whole number from 1 to 10000, or empty.
report-sla-first-response = First responses within the SLA
report-sla-resolution = Resolutions within the SLA
report-sla-breaches = SLA targets missed
report-sla-definition = Of the first responses and resolutions whose ticket had an SLA target, the share made in time, for whoever answered or resolved; a dash means none had a target. A target missed counts once, when it passes, for the ticket's assignee of that moment.
notifications-sound-sla-breached = a missed SLA target of a ticket of mine

## Calls
nav-calls = Calls
channel-call = Phone call
event-call = A customer called.
event-voicemail = The caller left a voicemail: call them back.
audit-calls-configured = Calls connected or changed
audit-call-number-added = Phone number added
audit-call-number-removed = Phone number removed
calls-title = Calls
calls-none = No calls yet.
calls-all = All
calls-state = State
calls-from = From
calls-to = To
calls-agent = Answered by
calls-rang-at = Rang at
calls-answered-at = Answered at
calls-ended-at = Ended at
calls-duration = Duration
calls-recording = Recording
calls-voicemail = Voicemail
calls-listen = Listen
calls-entry-title = Phone call
call-state-ringing = Ringing
call-state-in_progress = Ongoing
call-state-missed = Missed
call-state-completed = Finished
calls-ringing-notice = A call is ringing for you:
calls-ticket-subject = Call from { $caller }
calls-voicemail-prompt = Nobody can take your call right now. Please leave a message after the tone, and we will call you back.
calls-closed-prompt = We are closed right now. Please leave a message after the tone, and we will call you back.
calls-missing-call = The request names no call.
calls-settings-link = Phone calls
calls-settings-title = Phone calls
calls-settings-intro = Connect your voice provider's account (Twilio, or one that speaks its webhooks): calls to your numbers ring the online agents of each number's department, and every call becomes a ticket.
calls-webhooks-title = Webhook addresses
calls-webhooks-intro = Paste these into your provider's console, for each of your numbers: the first for incoming calls, the second for call status changes (both HTTP POST).
calls-webhook-incoming = A call comes in
calls-webhook-status = Call status changes
calls-account-sid = Account SID
calls-auth-token = Auth token
calls-auth-token-hint = Stored encrypted and never shown again.
calls-auth-token-kept = Stored encrypted. Leave empty to keep it; type a new one to replace it.
calls-sip-domain = SIP domain for desk phones
calls-sip-domain-hint = Desk phones ring at their extension on this domain, such as 101@acme.sip.twilio.com. Leave empty without desk phones.
calls-greeting = Greeting
calls-record = Record answered calls
calls-add-number = Add a phone number
calls-number = Phone number
calls-department-choose = Choose a department
calls-numbers = Phone numbers
calls-numbers-none = No phone numbers yet: add the numbers of your provider's account above.
calls-number-remove = Remove
calls-number-removed = The phone number was removed.
calls-account-sid-invalid = Enter the account SID: AC followed by 32 letters and digits.
calls-auth-token-invalid = Enter the auth token as your provider shows it: 16 to 128 characters, no spaces.
calls-sip-domain-invalid = Enter a domain name such as acme.sip.twilio.com, or leave it empty.
calls-number-invalid = Enter the number in international format, such as +49 30 1234567.
calls-department-invalid = Choose the department whose agents take calls to this number.
calls-number-taken = This number is connected already.
calls-secret-key-missing = Tokens cannot be stored: SECRET_KEY is not set on the server (make run sets one up).
profile-receives-submit = Save what I receive
profile-receives-saved = What you receive was saved.
receives-tickets = Tickets
receives-chats = Chats
receives-calls = Calls
receives-always = Always
receives-yes = Yes
receives-no = Switched off
agents-receives-title = What they receive
agents-receives-hint = Each agent switches the chats and calls of their departments on their own profile.
calls-call-back = Call { $number } back
calls-calling-you = Your phone rings first; the customer is called when you answer.
calls-entry-outbound = Call back
calls-not-connected = Calls are not connected: an admin connects them under Settings.
calls-no-phone = This ticket has no phone number to call.
calls-no-number = The workspace has no phone number to call from.
calls-no-device = Your profile names no device to ring: choose one, with its extension, under Profile.
calls-call-back-failed = The voice provider did not take the call. Try again in a moment.
report-calls-received = Calls received
report-calls-missed = Calls missed
report-calls-answered = Calls answered
report-call-answer-median = Time to answer a call (median)
calls-earlier-tickets = Earlier tickets of this caller:
nav-web-phone = Web phone
phone-title = Web phone
phone-connecting = Connecting…
phone-ready = Ready: calls for you ring here.
phone-offline = Not connected: calls cannot ring here. Reload this window to try again.
phone-ringing = Incoming call
phone-on-call = On a call
phone-leave-warning = Closing this window ends your call.
phone-answer = Answer
phone-decline = Decline
phone-mute = Mute
phone-hang-up = Hang up
phone-keep-open = Keep this window open while you take calls: the panel's pages can come and go in the other window.
calls-web-phone-not-chosen = Your profile does not name the web phone as your device: choose it under Profile to take calls here.
calls-web-phone-not-connected = Web phones are not connected: an admin adds the provider's API key under Settings, Phone calls.
calls-web-phone-sdk-missing = The web phone's software is not installed on this server: run scripts/voice-sdk.sh (make run does) and reload.
calls-web-phone-secret-unreadable = The API key's secret cannot be read: SECRET_KEY is missing or changed on the server. An admin enters the secret again under Settings, Phone calls.
calls-web-phones = Web phones
calls-web-phones-intro = Agents whose device is the web phone take calls in a window of the panel. Their access tokens are signed with an API key of your provider's account (Standard type); leave both fields empty without web phones.
calls-api-key-sid = API key SID
calls-api-key-secret = API key secret
calls-api-key-secret-kept = Stored encrypted. Leave empty to keep it; type a new one to replace it.
calls-api-key-sid-invalid = Enter the API key SID: SK followed by 32 letters and digits, or leave it empty.
calls-api-key-secret-invalid = Enter the API key's secret as your provider showed it: 16 to 128 characters, no spaces.
