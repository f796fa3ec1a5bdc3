# Frontdesk, English. Every user-facing string of pages and emails lives here.

## Navigation and layout
nav-label = Main navigation
nav-home = Home
nav-settings = Settings
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
password-rules = Use 10 to 128 characters; not your email address and not a common password.

## Input errors
input-required = This field is required.
input-too-long = This is too long.
input-slug-invalid = Use 2 to 40 lowercase letters, digits or dashes.
input-email-invalid = Enter a valid email address, like name@example.com.
password-too-short = Use at least 10 characters.
password-too-long = Use at most 128 characters.
password-is-email = Your password cannot be your email address.
password-too-common = This password is too common; choose one that is harder to guess.
password-unchanged = Choose a password other than your current one.
password-current-wrong = This is not your current password.

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
nav-password = Change password
change-password-title = Change your password
change-password-intro = Your other sessions, on other browsers and devices, end when you change it; this one stays.
change-password-submit = Change password
password-changed = Your password was changed. Your other sessions have ended.

## Home
home-title = Home
home-greeting = Welcome, { $name }
home-your-role = Your role
home-what-you-can-do = What you can do here

## Roles and permissions
role-agent = Agent
role-admin = Admin
role-owner = Owner
permission-tickets = Work the ticket queue: read, reply, add notes, assign and change status, priority, type and department
permission-knowledge-base = Write knowledge-base articles and categories
permission-own-profile = Keep your own profile and preferences, and see your own work report
permission-configuration = Configure the workspace: agents, departments and settings
permission-all-reports = See the reports of every agent and department
permission-billing = Manage billing: plan, billing details and invoices

## Workspace settings
settings-title = Workspace settings
settings-submit = Save settings
settings-saved = Settings saved.

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
