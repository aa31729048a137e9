<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../ui/dialogs/about.py" line="+65"/>
        <source>Public domain</source>
        <translation>公有领域</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>About Poplark</source>
        <translation>关于 Poplark</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Version {version}</source>
        <translation>版本 {version}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>A POP3 mail client that keeps your mail on your computer, exactly as it arrived. Passwords are kept in the system keyring.</source>
        <translation>一款 POP3 邮件客户端，将邮件按原样保存在你的电脑上。密码保存在系统密钥环中。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Poplark is built with these components:</source>
        <translation>Poplark 使用了以下组件：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Component</source>
        <translation>组件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Qt and PySide6 are used under the GNU Lesser General Public License version 3: you may replace them with your own build of the same version.</source>
        <translation>Qt 和 PySide6 依据 GNU 宽通用公共许可证第 3 版（LGPLv3）使用：你可以用自行编译的同版本替换它们。</translation>
    </message>
</context>
<context>
    <name>AccountDialog</name>
    <message>
        <location filename="../../ui/dialogs/account_dialog/report.py" line="+58"/>
        <location filename="../../ui/dialogs/account_dialog/smtp_report.py" line="+78"/>
        <source>Details: {details}</source>
        <translation>详细信息：{details}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The server did not accept the sign-in. Sign in again; if that does not help, check that POP (or SMTP) is switched on for the account.</source>
        <translation>服务器未接受登录。请重新登录；如果仍不行，请检查该账户是否已开启POP（或SMTP）服务。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server rejected the user name or password.</source>
        <translation>服务器拒绝了用户名或密码。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The mailbox is in use by another program, or the server wants more time between logins. Try again in a few minutes.</source>
        <translation>邮箱正被其他程序使用，或服务器要求两次登录之间间隔更长时间。请过几分钟再试。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The server has a temporary problem. Try again later.</source>
        <translation>服务器暂时出现问题，请稍后再试。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server refused. Your provider may have switched POP3 off for this account.</source>
        <translation>服务器拒绝了请求。邮件服务商可能已为此账户关闭了 POP3。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The connection could not be secured.</source>
        <translation>无法建立安全连接。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Could not reach the server. Check the server name, the port, the security setting and your network.</source>
        <translation>无法连接到服务器。请检查服务器地址、端口、安全设置和网络连接。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The settings do not allow this.</source>
        <translation>当前设置不允许此操作。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server&apos;s replies did not follow the POP3 protocol.</source>
        <translation>服务器的响应不符合 POP3 协议。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Something went wrong.</source>
        <translation>出现了问题。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The server could not be reached.</source>
        <translation>无法连接到服务器。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server did not accept the login.</source>
        <translation>服务器不接受此登录。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The connection test failed.</source>
        <translation>连接测试失败。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save anyway? Poplark will then fail to get mail until the settings or the server are right.</source>
        <translation>仍要保存吗？在设置或服务器恢复正常之前，Poplark 将无法收取邮件。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Check the user name and password. Some providers (QQ, 163, 126, and Gmail with 2-step verification) need an authorization code or app password instead of your web password.</source>
        <translation>请检查用户名和密码。部分服务商（QQ、163、126，以及开启了两步验证的 Gmail）需要使用授权码或应用专用密码，而不是网页登录密码。</translation>
    </message>
    <message>
        <location line="+8"/>
        <location filename="../../ui/dialogs/account_dialog/smtp_report.py" line="-43"/>
        <source>Not reachable.</source>
        <translation>无法连接。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>It said: “{greeting}”</source>
        <translation>服务器响应：“{greeting}”</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reachable.</source>
        <translation>可以连接。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{server} answered.</source>
        <translation>{server} 已响应。</translation>
    </message>
    <message>
        <location line="+5"/>
        <location filename="../../ui/dialogs/account_dialog/smtp_report.py" line="+4"/>
        <source>Secure connection failed.</source>
        <translation>安全连接失败。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The certificate is for {subject}.</source>
        <translation>该证书颁发给 {subject}。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Compare this fingerprint with the one your provider or administrator publishes. Only if they match, press “Trust this certificate”: Poplark will then accept this exact certificate for this account only, and refuse to connect if it ever changes.</source>
        <translation>请将此指纹与服务商或管理员公布的指纹进行比对。只有两者一致时，才点击“信任此证书”：之后 Poplark 仅对此账户接受这一份证书，一旦证书发生变化将拒绝连接。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Certificate not trusted.</source>
        <translation>证书不受信任。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Its SHA-256 fingerprint is:</source>
        <translation>其 SHA-256 指纹为：</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+80"/>
        <location filename="../../ui/dialogs/account_dialog/smtp_report.py" line="+56"/>
        <source>What to do:</source>
        <translation>解决方法：</translation>
    </message>
    <message>
        <location line="-75"/>
        <source>This is the exact certificate you chose to trust.</source>
        <translation>这正是你选择信任的证书。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Certificate for {subject}, issued by {issuer}, valid until {expiry}.</source>
        <translation>证书颁发给 {subject}，颁发者 {issuer}，有效期至 {expiry}。</translation>
    </message>
    <message>
        <location line="+9"/>
        <location filename="../../ui/dialogs/account_dialog/smtp_report.py" line="-48"/>
        <source>{version} ({cipher}).</source>
        <translation>{version}（{cipher}）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../../ui/dialogs/account_dialog/smtp_report.py" line="+0"/>
        <source>Encrypted.</source>
        <translation>已加密。</translation>
    </message>
    <message>
        <location line="+3"/>
        <location filename="../../ui/dialogs/account_dialog/smtp_report.py" line="+4"/>
        <source>Not encrypted.</source>
        <translation>未加密。</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Everything you receive, and the password if it is sent, crosses the network readably.</source>
        <translation>你收取的所有邮件（以及发送的密码）都会以明文在网络上传输。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>not stated</source>
        <translation>未说明</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/form.py" line="+148"/>
        <location filename="../../ui/dialogs/account_dialog/report.py" line="+2"/>
        <source>never</source>
        <translation>从不</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/report.py" line="+3"/>
        <source>right after download, whatever you choose here</source>
        <translation>下载后立即删除（无论此处如何设置）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>after {days} days</source>
        <translation>{days} 天后</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+15"/>
        <source>Features:</source>
        <translation>功能：</translation>
    </message>
    <message>
        <location line="-15"/>
        <source>the server does not list its features (no CAPA); Poplark will try UIDL and TOP anyway.</source>
        <translation>服务器未列出其支持的功能（不支持 CAPA）；Poplark 仍会尝试使用 UIDL 和 TOP。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{seconds} seconds</source>
        <translation>{seconds} 秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>none listed (USER/PASS)</source>
        <translation>未列出（使用 USER/PASS）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Unique message ids (UIDL): {value}</source>
        <translation>唯一邮件标识（UIDL）：{value}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Headers only (TOP): {value}</source>
        <translation>仅收取邮件头（TOP）：{value}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pipelining (faster downloads): {value}</source>
        <translation>流水线（下载更快）：{value}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign-in methods (SASL): {value}</source>
        <translation>登录方式（SASL）：{value}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Messages expire on the server (EXPIRE): {value}</source>
        <translation>服务器上的邮件过期时间（EXPIRE）：{value}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Least time between logins (LOGIN-DELAY): {value}</source>
        <translation>最短登录间隔（LOGIN-DELAY）：{value}</translation>
    </message>
    <message>
        <location line="+9"/>
        <location filename="../../ui/dialogs/account_dialog/smtp_report.py" line="+32"/>
        <source>Login works.</source>
        <translation>登录成功。</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Signed in with {mechanism}. The mailbox holds {count} message(s), {size}.</source>
        <translation>已使用 {mechanism} 登录。邮箱中有 {count} 封邮件，共 {size}。</translation>
    </message>
    <message>
        <location line="+5"/>
        <location filename="../../ui/dialogs/account_dialog/smtp_report.py" line="+4"/>
        <source>The server said: “{text}”</source>
        <translation>服务器返回：“{text}”</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../../ui/dialogs/account_dialog/smtp_report.py" line="+2"/>
        <source>Login failed.</source>
        <translation>登录失败。</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+3"/>
        <location filename="../../ui/dialogs/account_dialog/smtp_report.py" line="+8"/>
        <location line="+2"/>
        <source>Login not tested:</source>
        <translation>未测试登录：</translation>
    </message>
    <message>
        <location line="-2"/>
        <location filename="../../ui/dialogs/account_dialog/smtp_report.py" line="-1"/>
        <source>sign in first to test it too.</source>
        <translation>请先登录，以便一并测试登录。</translation>
    </message>
    <message>
        <location line="+3"/>
        <location filename="../../ui/dialogs/account_dialog/smtp_report.py" line="+2"/>
        <source>type the password to test it too.</source>
        <translation>输入密码即可一并测试。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/dialog.py" line="+66"/>
        <source>Add account</source>
        <extracomment>Fields that must be right before a connection test makes sense. Emitted on the GUI thread when a test has ended and its report is shown (None: the test crashed). Not in :class:`Account` yet; read it here until the model has a field for it. The settings of the last connection test that failed, and what to say about it.</extracomment>
        <translation>添加账户</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Account settings</source>
        <translation>账户设置</translation>
    </message>
    <message>
        <location line="+228"/>
        <source>Connection test failed</source>
        <translation>连接测试失败</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save Anyway</source>
        <translation>仍然保存</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Back to the Settings</source>
        <translation>返回设置</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/form.py" line="-81"/>
        <source>Account</source>
        <extracomment>Loose on purpose: it catches typos (&quot;alice@qq&quot;, &quot;alice qq.com&quot;); the server has the last word. Field name -&gt; the red line under it that says what is wrong.</extracomment>
        <translation>账户</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mail on the server</source>
        <translation>服务器上的邮件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Advanced</source>
        <translation>高级</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Email address:</source>
        <translation>邮箱地址：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Shown to the people you write to</source>
        <translation>收件人看到的发件人名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your name:</source>
        <translation>你的名字：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How Poplark lists this account</source>
        <translation>此账户在 Poplark 中显示的名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Account name:</source>
        <translation>账户名称：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Incoming mail (POP3)</source>
        <translation>收件服务器（POP3）</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../../ui/dialogs/account_dialog/smtp_section.py" line="+58"/>
        <source>Server:</source>
        <translation>服务器：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/discovery.py" line="+38"/>
        <location filename="../../ui/dialogs/account_dialog/form.py" line="+3"/>
        <source>SSL/TLS</source>
        <extracomment>Wait this long after the last keystroke in the address before looking (ms). Where discovery looks unless told otherwise (the real world; tests replace it). Every search whose thread has not ended, whatever became of its dialog.</extracomment>
        <translation>SSL/TLS</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../ui/dialogs/account_dialog/form.py" line="+1"/>
        <source>STARTTLS</source>
        <translation>STARTTLS</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no encryption</source>
        <translation>不加密</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No server settings were found for {0}. Enter the POP3 server your provider gives (often pop.{0}, port 995).</source>
        <translation>没有找到 {0} 的服务器设置。请填写邮件服务商提供的 POP3 服务器（通常是 pop.{0}，端口 995）。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{0}, port {1}, {2}</source>
        <translation>{0}，端口 {1}，{2}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Found in the settings file {0} publishes ({1}): {2}. Sure: the domain itself says so.</source>
        <translation>在 {0} 发布的设置文件中找到（{1}）：{2}。可以确定：这是该域名自己给出的设置。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Found in the settings file {0} publishes, read over an unencrypted connection ({1}): {2}. Probably right; Test connection checks it.</source>
        <translation>在 {0} 发布的设置文件中找到，但是通过未加密的连接读取的（{1}）：{2}。应该没错；“测试连接”可以核实。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Found in the DNS records of {0} ({1}): {2}. Probably right; Test connection checks it.</source>
        <translation>在 {0} 的 DNS 记录中找到（{1}）：{2}。应该没错；“测试连接”可以核实。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Guessed: {0} answers as a POP3 server. Not sure: Test connection checks it, and your provider&apos;s help pages say for certain.</source>
        <translation>猜测：{0} 作为 POP3 服务器有应答。不能确定：“测试连接”可以核实，邮件服务商的帮助页面会给出确切设置。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>It offers no encryption: ask your provider for a secure server before sending your password to it.</source>
        <translation>该服务器不提供加密：在向它发送密码之前，请向邮件服务商索取安全的服务器地址。</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Looking up the mail servers of {0}…</source>
        <extracomment>A search for the address still in the field has ended and its note is shown (the answer, or None). The last answer shown (None: none yet, or nothing found).</extracomment>
        <translation>正在查找 {0} 的邮件服务器…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/form.py" line="+1"/>
        <location filename="../../ui/dialogs/account_dialog/smtp_section.py" line="+5"/>
        <source>None (not encrypted)</source>
        <translation>无（不加密）</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../ui/dialogs/account_dialog/smtp_section.py" line="+1"/>
        <source>Port:</source>
        <translation>端口：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/style.py" line="+96"/>
        <source>Security:</source>
        <translation>安全类型：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/form.py" line="-29"/>
        <source>Sending</source>
        <translation>发送</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Without encryption anyone on the network can read your mail. Poplark sends no password over it unless you allow insecure authentication under Advanced.</source>
        <translation>不加密时，网络上的任何人都能读取你的邮件。除非你在“高级”中允许不安全的身份验证，否则 Poplark 不会通过此类连接发送密码。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Usually your full address</source>
        <translation>通常为完整的邮箱地址</translation>
    </message>
    <message>
        <location line="+1"/>
        <location filename="../../ui/dialogs/account_dialog/smtp_section.py" line="+7"/>
        <source>User name:</source>
        <translation>用户名：</translation>
    </message>
    <message>
        <location line="+6"/>
        <location filename="../../ui/dialogs/account_dialog/smtp_section.py" line="+9"/>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Remember password (in the system keyring)</source>
        <translation>记住密码（保存在系统密钥环中）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No secure password storage (system keyring) is available, so Poplark will not store the password: it asks for it once per session.</source>
        <translation>没有可用的安全密码存储（系统密钥环），因此 Poplark 不会保存密码：每次启动后会询问一次。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Leave a copy on the server</source>
        <translation>在服务器上保留副本</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>for ever</source>
        <translation>永久保留</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>delete it after some days</source>
        <translation>若干天后删除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>delete it when I delete it here</source>
        <translation>在本地删除时同时删除</translation>
    </message>
    <message>
        <location line="+6"/>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Without it, each message is deleted from the server once it is safely stored here.</source>
        <translation>不保留时，每封邮件在本地安全保存后即从服务器上删除。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>every </source>
        <translation>每 </translation>
    </message>
    <message>
        <location line="+1"/>
        <source> minutes</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check for new mail:</source>
        <translation>收取新邮件：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>(0 = never)</source>
        <translation>（0 = 从不）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Check for new mail when Poplark starts</source>
        <translation>启动 Poplark 时收取新邮件</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Skip messages larger than</source>
        <translation>跳过大于此大小的邮件</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/download_section.py" line="+28"/>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Download headers only</source>
        <translation>只下载邮件头</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Download only the first</source>
        <translation>只下载前</translation>
    </message>
    <message>
        <location line="+5"/>
        <source> KB</source>
        <translation> KB</translation>
    </message>
    <message>
        <location line="+4"/>
        <location filename="../../ui/dialogs/account_dialog/form.py" line="+5"/>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>of messages larger than</source>
        <translation>，当邮件大于</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The rest of such a message stays on the server and is never deleted from it by the rules above; open the message and choose Download now to get it.</source>
        <translation>这类邮件的其余部分留在服务器上，上面的规则不会将其从服务器删除；打开邮件并选择“立即下载”即可取得。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/form.py" line="+9"/>
        <source>Only for a private or company server</source>
        <translation>仅用于私有或公司服务器</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Extra CA certificate:</source>
        <translation>额外的 CA 证书：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/certificates.py" line="+55"/>
        <source>Stop trusting it</source>
        <translation>不再信任</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>This account trusts exactly one certificate, SHA-256:</source>
        <translation>此账户只信任这一份证书，SHA-256：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/form.py" line="+4"/>
        <source>Trusted certificate:</source>
        <translation>信任的证书：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Allow sending the password without encryption</source>
        <translation>允许以不加密的方式发送密码</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Warning: on an unencrypted connection anyone on the network path can read your password. Use this only for a server on a network you trust.</source>
        <translation>警告：在未加密的连接上，网络路径中的任何人都能读取你的密码。仅在可信网络中的服务器上使用此选项。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Use APOP (only if the server requires it)</source>
        <translation>使用 APOP（仅在服务器要求时）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Use pipelining when the server offers it (faster)</source>
        <translation>服务器支持时使用流水线（更快）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source> seconds</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Give up when the server is silent for:</source>
        <translation>服务器无响应超时：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/tester.py" line="+86"/>
        <source>Test connection</source>
        <extracomment>Jobs still finishing after their dialog closed. Kept referenced so their QThread is never destroyed while running; the application can wait for them at shutdown. A typed password (or authorization code), or the access token of a sign-in made just now. The keyring entry of the saved password, when none was typed. The SMTP password typed apart, and the entry of the saved one. A saved OAuth2 account: its access token comes from its refresh token in the keyring. The test has ended and its report is shown (None: the test itself crashed). The user chose to trust the certificate with this SHA-256 fingerprint. The report changed, so the dialog&apos;s height may have to follow. The SMTP half of the last test (None: the account has no SMTP server, or no test yet).</extracomment>
        <translation>测试连接</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Trust this certificate</source>
        <translation>信任此证书</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Testing {server}…</source>
        <translation>正在测试 {server}…</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/secret.py" line="+43"/>
        <source>Password or authorization code</source>
        <translation>密码或授权码</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Unchanged (kept in the system keyring)</source>
        <extracomment>Read once when the dialog opens: the form shows the choice that was possible then.</extracomment>
        <translation>不变（已保存在系统密钥环中）</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/dialog.py" line="-99"/>
        <source>Choose a CA certificate</source>
        <translation>选择 CA 证书</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>证书 (*.pem *.crt *.cer);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/certificates.py" line="+7"/>
        <source>None: certificates are checked against the trusted authorities.</source>
        <translation>无：证书由受信任的证书颁发机构验证。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/form.py" line="+106"/>
        <source>Enter a full email address, such as name@example.com.</source>
        <translation>请输入完整的邮箱地址，例如 name@example.com。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Enter a name for this account.</source>
        <translation>请为此账户输入名称。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Another account already has this name.</source>
        <translation>已有其他账户使用此名称。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Enter the POP3 server, such as pop.example.com.</source>
        <translation>请输入 POP3 服务器，例如 pop.example.com。</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../../ui/dialogs/account_dialog/smtp_section.py" line="+140"/>
        <source>A server name has no spaces.</source>
        <translation>服务器地址中不能有空格。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose a port from 1 to 65535 (usually 995).</source>
        <translation>请选择 1 到 65535 之间的端口（通常为 995）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter the user name (usually your full address).</source>
        <translation>请输入用户名（通常为完整的邮箱地址）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter the password (or authorization code) to remember it.</source>
        <translation>请输入密码（或授权码）以便保存。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Keep messages on the server for at least 1 day.</source>
        <translation>邮件在服务器上至少保留 1 天。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>There is no file at this path.</source>
        <translation>此路径下没有文件。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/dialog.py" line="+25"/>
        <source>Cannot test yet:</source>
        <translation>暂时无法测试：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/tester.py" line="+35"/>
        <source>The test itself failed:</source>
        <translation>测试本身出错：</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/secret.py" line="+73"/>
        <source>The password could not be saved in the system keyring, so nothing was saved. Unlock the keyring or untick “Remember password”, then try again. ({details})</source>
        <translation>无法将密码保存到系统密钥环，因此未保存任何内容。请解锁密钥环或取消勾选“记住密码”，然后重试。（{details}）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The account could not be saved: {details}</source>
        <translation>无法保存账户：{details}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/auth_code.py" line="+52"/>
        <source>Authorization code (授权码): 1. Open {0} on the web and sign in. 2. In its settings switch on POP3/SMTP and create an authorization code (as the note above says). 3. Type the 16-character code in Password; spaces do not matter.</source>
        <extracomment>How long the codes of QQ, 163 and 126 are.</extracomment>
        <translation>授权码：1. 打开网页版{0}并登录。2. 在设置中开启POP3/SMTP服务并生成授权码（见上方提示）。3. 在“密码”中输入16位授权码；空格无关紧要。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Open {0}</source>
        <translation>打开{0}</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>16 characters: the length of an authorization code.</source>
        <translation>16个字符：与授权码长度相符。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} characters: an authorization code has 16. Your web mail password will not work here.</source>
        <translation>{0}个字符：授权码为16个字符。网页邮箱的登录密码在这里无法使用。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/sign_in.py" line="+77"/>
        <source>Sign in with:</source>
        <extracomment>Something the dialog checks changed (method, client ID, signed in or not). What the last sign-in gave, until the account is saved (then the keyring has it). The edited account was signed in before (its refresh token is in the keyring). The address the provider&apos;s page suggests for signing in. An account whose tokens its own command prints (set on the command line): kept as it is.</extracomment>
        <translation>登录方式：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A personal Gmail account can also use an app password, with no client ID: switch on 2-Step Verification, create one under Google Account &gt; Security &gt; App passwords, choose “Password” here and type it.</source>
        <translation>个人Gmail账户也可以使用应用专用密码，无需客户端ID：开启两步验证，在“Google账号 &gt; 安全性 &gt; 应用专用密码”中生成一个，然后在这里选择“密码”并输入它。</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+211"/>
        <source>Your own client ID</source>
        <translation>您自己的客户端ID</translation>
    </message>
    <message>
        <location line="-205"/>
        <source>Client ID:</source>
        <translation>客户端ID：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Only if Google gave one</source>
        <translation>仅当Google提供了时填写</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Client secret:</source>
        <translation>客户端密钥：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cancel Sign-in</source>
        <translation>取消登录</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>{0}, in your browser</source>
        <translation>{0}（在浏览器中登录）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Password or app password</source>
        <translation>密码或应用专用密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sign in with {0}…</source>
        <translation>使用{0}登录…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How do I get a client ID?</source>
        <translation>如何获取客户端ID？</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>This account gets its access tokens from a command, which Poplark runs at every login: {0}</source>
        <translation>此账户的访问令牌来自一个命令，Poplark每次登录时都会运行它：{0}</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Enter your client ID: Poplark has none of its own for {0} yet.</source>
        <translation>请输入您的客户端ID：Poplark目前还没有自己的{0}客户端ID。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No system keyring is available to keep the sign-in. Install and unlock one, or choose “Password”.</source>
        <translation>没有可用的系统密钥环来保存登录。请安装并解锁一个，或选择“密码”。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Press “Sign in with {0}” and finish signing in in your browser.</source>
        <translation>请点击“使用{0}登录”，并在浏览器中完成登录。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Opening the sign-in page in your browser…</source>
        <translation>正在浏览器中打开登录页面…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>open the sign-in page</source>
        <translation>打开登录页面</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Waiting for you to sign in in your browser. If no browser opened, {link}.</source>
        <translation>正在等待您在浏览器中登录。如果浏览器没有打开，请{link}。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Signed in. Poplark keeps the sign-in in the system keyring when you press OK; Test connection checks it now.</source>
        <translation>已登录。点击“确定”后，Poplark会将登录信息保存在系统密钥环中；现在可以用“测试连接”检查。</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>No system keyring is available, so Poplark cannot keep a sign-in. Install and unlock one (GNOME Keyring or KWallet).</source>
        <translation>没有可用的系统密钥环，Poplark无法保存登录。请安装并解锁一个（GNOME Keyring或KWallet）。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Signed in earlier. Sign in again only if Poplark asks you to.</source>
        <translation>之前已登录。仅在Poplark提示时才需要重新登录。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>In the Google Cloud console: create a project; under OAuth consent screen add the scope https://mail.google.com/ and your address as a test user; under Credentials create an OAuth client ID of type “Desktop app”. Copy its client ID and client secret here. Switch POP on in Gmail&apos;s settings.</source>
        <translation>在Google Cloud控制台中：创建一个项目；在“OAuth同意屏幕”中添加范围 https://mail.google.com/ ，并将您的地址添加为测试用户；在“凭据”中创建类型为“桌面应用”的OAuth客户端ID。将其客户端ID和客户端密钥复制到这里。并在Gmail设置中开启POP。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>In the Microsoft Entra admin center, App registrations &gt; New registration: any organizational directory and personal Microsoft accounts; redirect URI “Public client/native”, http://localhost. Under API permissions add offline_access, POP.AccessAsUser.All and SMTP.Send. Copy the Application (client) ID here.</source>
        <translation>在Microsoft Entra管理中心，“应用注册 &gt; 新注册”：选择任何组织目录中的账户和个人Microsoft账户；重定向URI选择“公共客户端/本机”，填写 http://localhost。在“API权限”中添加 offline_access、POP.AccessAsUser.All 和 SMTP.Send。将“应用程序(客户端) ID”复制到这里。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Poplark&apos;s guide docs/oauth2.md has the details.</source>
        <translation>详细说明见Poplark的指南 docs/oauth2.md。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Open the Registration Page</source>
        <translation>打开注册页面</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/sign_in_flow.py" line="+119"/>
        <source>Sign-in cancelled. Press the sign-in button to try again.</source>
        <extracomment>Sign-ins still waiting after their dialog closed (cancelled; they end within a moment). The sign-in finished: the Grant (its tokens are not to be logged or shown). It failed (a PoplarkError) or was cancelled (Cancelled). The address the browser was sent to (shown in case no browser opened). Opens the sign-in page, called on the job&apos;s thread; None: the system browser, on the GUI thread.</extracomment>
        <translation>登录已取消。点击登录按钮可重试。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The provider does not accept this client ID: check it (and the client secret, if the provider gave you one). Details: {0}</source>
        <translation>服务商不接受此客户端ID：请检查它（以及客户端密钥，如果服务商提供了）。详情：{0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The sign-in did not finish. Press the sign-in button to try again. Details: {0}</source>
        <translation>登录未完成。点击登录按钮可重试。详情：{0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The sign-in failed. Check your network connection, then try again. Details: {0}</source>
        <translation>登录失败。请检查网络连接后重试。详情：{0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The sign-in failed unexpectedly: {0}</source>
        <translation>登录意外失败：{0}</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/smtp_section.py" line="-169"/>
        <source>Outgoing mail (SMTP)</source>
        <extracomment>SMTP fields the user typed in by hand: the address no longer fills them.</extracomment>
        <translation>发件服务器（SMTP）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Without an SMTP server this account can receive mail but not send it. Enter the server your provider gives for sending (often smtp.&lt;domain&gt;).</source>
        <translation>没有SMTP服务器，此账户只能收信，不能发信。请输入服务商提供的发信服务器（通常为 smtp.&lt;域名&gt;）。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>SSL/TLS (port 465)</source>
        <translation>SSL/TLS（端口465）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>STARTTLS (port 587)</source>
        <translation>STARTTLS（端口587）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Without encryption anyone on the network can read what you send. Poplark sends no password over it unless you allow insecure authentication under Advanced.</source>
        <translation>不加密时，网络上的任何人都能读取您发送的内容。除非您在“高级”中允许不安全的身份验证，否则Poplark不会通过它发送密码。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The same as for incoming mail</source>
        <translation>与收信相同</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Use a separate password for sending</source>
        <translation>发信使用单独的密码</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Otherwise Poplark logs in to the SMTP server with the password (or authorization code) of incoming mail, from the system keyring.</source>
        <translation>否则Poplark使用系统密钥环中收信的密码（或授权码）登录SMTP服务器。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Password for sending</source>
        <translation>发信密码</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This account signs in with its provider: sending uses the same sign-in, with no password.</source>
        <translation>此账户通过服务商登录：发信使用同一登录，无需密码。</translation>
    </message>
    <message>
        <location line="+139"/>
        <source>Choose a port from 1 to 65535 (usually 465 or 587).</source>
        <translation>请选择1到65535之间的端口（通常为465或587）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter the password for sending, or untick “Use a separate password for sending”.</source>
        <translation>请输入发信密码，或取消勾选“发信使用单独的密码”。</translation>
    </message>
    <message>
        <location filename="../../ui/dialogs/account_dialog/smtp_report.py" line="-69"/>
        <source>Sending mail (SMTP, {server})</source>
        <translation>发信（SMTP，{server}）</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Certificate for {subject}.</source>
        <translation>证书颁发给{subject}。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>What you send, and the password if it is sent, crosses the network readably.</source>
        <translation>您发送的内容（以及发送的密码）会以明文在网络上传输。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Largest message:</source>
        <translation>最大邮件：</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>the server takes messages up to {size}.</source>
        <translation>服务器接受最大{size}的邮件。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The SMTP server could not be reached.</source>
        <translation>无法连接SMTP服务器。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The SMTP server did not accept the login.</source>
        <translation>SMTP服务器未接受登录。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The SMTP server test failed.</source>
        <translation>SMTP服务器测试失败。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save anyway? Poplark will then fail to send mail until the settings or the server are right.</source>
        <translation>仍要保存吗？在设置或服务器恢复正常之前，Poplark将无法发送邮件。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Poplark can send mail through this server.</source>
        <translation>Poplark可以通过此服务器发信。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Check the separate password for sending on the Sending tab.</source>
        <translation>请检查“发送”标签页中的单独发信密码。</translation>
    </message>
</context>
<context>
    <name>ActionRow</name>
    <message>
        <location filename="../../ui/rules/editor.py" line="+143"/>
        <source>name@example.com</source>
        <translation>name@example.com</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>AddressBook</name>
    <message>
        <location filename="../../ui/contacts/exchange.py" line="+45"/>
        <source>vCard 3.0 (most programs and phones)</source>
        <translation>vCard 3.0（大多数程序和手机）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>vCard 4.0</source>
        <translation>vCard 4.0</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CSV in UTF-8 (Gmail, Outlook, Thunderbird)</source>
        <translation>UTF-8 编码的 CSV（Gmail、Outlook、Thunderbird）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CSV in GB18030 (Foxmail and other Chinese Windows programs)</source>
        <translation>GB18030 编码的 CSV（Foxmail 等中文 Windows 程序）</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>{0} could not be opened: {1}. Check that the file exists and that you may read it.</source>
        <translation>无法打开 {0}：{1}。请确认文件存在，并且你有权读取它。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0} holds no contacts. Export the contacts again from the other program, as vCard (.vcf) or CSV with a line of column names.</source>
        <translation>{0} 中没有联系人。请从原来的程序重新导出联系人，格式为 vCard (.vcf)，或带有列名行的 CSV。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{0} could not be read as contacts ({1}). Export the contacts again from the other program, as vCard (.vcf) or CSV, and import that file.</source>
        <translation>无法把 {0} 读取为联系人（{1}）。请从原来的程序重新导出联系人（vCard (.vcf) 或 CSV 格式），再导入该文件。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0} could not be imported: {1}. Nothing was changed; try again, or import another export of the contacts.</source>
        <translation>无法导入 {0}：{1}。通讯录没有任何改动；请重试，或导入另一份导出的联系人文件。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{0} could not be written: {1}. Choose another folder.</source>
        <translation>无法写入 {0}：{1}。请选择其他文件夹。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The contacts could not be exported: {0}. Choose vCard or CSV in UTF-8, which can hold every character.</source>
        <translation>无法导出联系人：{0}。请选择 vCard 或 UTF-8 编码的 CSV，它们能容纳所有字符。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Imported: {0} new, {1} merged into existing contacts, {2} already there.</source>
        <translation>已导入：新增 {0} 个，合并到已有联系人 {1} 个，已存在 {2} 个。</translation>
    </message>
</context>
<context>
    <name>AddressBookWindow</name>
    <message>
        <location filename="../../ui/contacts/window.py" line="+159"/>
        <source>Address Book</source>
        <extracomment>Milliseconds of quiet typing before the search runs (one lookup per pause, not per key). The list shows the book&apos;s current state (after a load, a save, an import). An import or export ended: its sentence (also shown at the bottom of the window).</extracomment>
        <translation>通讯录</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New Contact…</source>
        <translation>新建联系人…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search names, addresses, pinyin (zs finds 张三)</source>
        <translation>搜索姓名、地址或拼音（输入 zs 可找到张三）</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>All contacts ({0})</source>
        <translation>全部联系人（{0}）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{0} ({1})</source>
        <translation>{0}（{1}）</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>The address book could not be read or saved: {0}. Close the window and open it again; if it happens again, restart Poplark.</source>
        <translation>无法读取或保存通讯录：{0}。请关闭此窗口后重新打开；如果再次出现，请重新启动 Poplark。</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>Saved {0}.</source>
        <translation>已保存 {0}。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Delete {0} from the address book?</source>
        <translation>要从通讯录中删除 {0} 吗？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete these {0} contacts from the address book?</source>
        <translation>要从通讯录中删除这 {0} 个联系人吗？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete Contacts</source>
        <translation>删除联系人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mail from and to them stays as it is.</source>
        <translation>与他们往来的邮件不受影响。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Contacts deleted: {0}.</source>
        <translation>已删除联系人：{0} 个。</translation>
    </message>
    <message>
        <location line="+51"/>
        <source>Contacts exported to {1}: {0}.</source>
        <translation>已导出到 {1} 的联系人：{0} 个。</translation>
    </message>
    <message>
        <location line="-42"/>
        <source>Import Contacts</source>
        <translation>导入联系人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contacts (*.vcf *.vcard *.csv);;All files (*)</source>
        <translation>联系人 (*.vcf *.vcard *.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Importing {0}…</source>
        <translation>正在导入 {0}…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Export Contacts</source>
        <translation>导出联系人</translation>
    </message>
</context>
<context>
    <name>AttachmentList</name>
    <message>
        <location filename="../../ui/widgets/attachments.py" line="+134"/>
        <source>Attachment</source>
        <extracomment>Rows shown before the list scrolls; the body keeps the rest of the pane. Files written (Save, Save All, Open), once each job is done. An attached message to show in a window of its own: (raw bytes, file name). A file handed to the system to open.</extracomment>
        <translation>附件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Save All…</source>
        <translation>全部保存…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>Save Attachment</source>
        <translation>保存附件</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Save Attachments To</source>
        <translation>将附件保存到</translation>
    </message>
    <message>
        <location line="+78"/>
        <location line="+2"/>
        <source>Attachment not saved</source>
        <translation>附件未保存</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The attachment could not be written: {0}
Choose another folder, or free some disk space, and try again.</source>
        <translation>无法写入附件：{0}
请选择其他文件夹，或释放一些磁盘空间，然后重试。</translation>
    </message>
</context>
<context>
    <name>ComposeOpener</name>
    <message>
        <location filename="../../ui/compose/opening.py" line="+108"/>
        <source>Cannot open the message</source>
        <extracomment>A compose window is shown (tests and screenshots wait on it). The address book&apos;s completion worker for the To/Cc/Bcc fields (None: no completion).</extracomment>
        <translation>无法打开邮件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The message could not be read ({detail}). It may have been deleted meanwhile; choose it again.</source>
        <translation>无法读取这封邮件（{detail}）。它可能刚刚被删除；请重新选择它。</translation>
    </message>
</context>
<context>
    <name>ComposeWindow</name>
    <message>
        <location filename="../../ui/compose/attachments.py" line="+57"/>
        <source>{file} could not be attached ({reason}). Check that it exists and that you may read it, then attach it again.</source>
        <extracomment>The row of the forwarded message (``Draft.forwarded``) carries this instead of an index.</extracomment>
        <translation>无法添加附件 {file}（{reason}）。请确认文件存在且你有权读取，然后重新添加。</translation>
    </message>
    <message>
        <location filename="../../ui/compose/fields.py" line="+62"/>
        <source>Not an address one can send to: {addresses}. Correct it before sending.</source>
        <extracomment>A dynamic property the style sheet below keys on: the field holds an address that cannot be sent to.</extracomment>
        <translation>不是可以发送的地址：{addresses}。请在发送前改正。</translation>
    </message>
    <message>
        <location filename="../../ui/compose/signatures.py" line="+38"/>
        <source>Signature</source>
        <extracomment>RFC 3676 section 4.3: &quot;-- &quot; alone on a line starts a signature (readers may hide or fold it).</extracomment>
        <translation>签名</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The signature of {account}, added under every message it sends (leave it empty for none):</source>
        <translation>{account} 的签名，会加在从该账户发出的每封邮件下方（留空则不加签名）：</translation>
    </message>
    <message>
        <location filename="../../ui/compose/outbox_view.py" line="+32"/>
        <source>Waiting</source>
        <extracomment>Each state&apos;s words (translated when shown).</extracomment>
        <translation>等待发送</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sending</source>
        <translation>正在发送</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Failed</source>
        <translation>发送失败</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>May have been sent</source>
        <translation>可能已发出</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>The connection ended after the server had the whole message and before it answered: it may have been delivered.</source>
        <translation>服务器收到整封邮件后、回复之前连接中断：邮件可能已送达。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Refused by the server: {said}</source>
        <translation>被服务器拒绝：{said}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not sent yet: {reason}</source>
        <translation>尚未发出：{reason}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tried again at {time}.</source>
        <translation>将于 {time} 重试。</translation>
    </message>
    <message>
        <location line="+53"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>To</source>
        <translation>收件人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Queued</source>
        <translation>放入时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>What happened</source>
        <translation>情况</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send Again</source>
        <translation>重新发送</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Send the selected message now</source>
        <translation>立即发送选中的邮件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>It Arrived</source>
        <translation>已送达</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>It did reach its recipients: move it into Sent without sending it again</source>
        <translation>它确实已送达收件人：移入“已发送”，不再重新发送</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Take it out of the Outbox and open it to correct it</source>
        <translation>从发件箱取出并打开，以便修改</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+65"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="-64"/>
        <source>Delete it without sending</source>
        <translation>删除，不发送</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Nothing waits to be sent.</source>
        <translation>没有等待发送的邮件。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{count} message(s) in the Outbox. Failed ones and those that may have been sent wait for you: select one to send it again, edit or delete it.</source>
        <translation>发件箱中有 {count} 封邮件。发送失败和可能已发出的邮件需要你处理：选中一封，可重新发送、编辑或删除。</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Delete “{subject}” from the Outbox without sending it?</source>
        <translation>从发件箱删除“{subject}”，不发送？</translation>
    </message>
    <message>
        <location filename="../../ui/compose/feature.py" line="+110"/>
        <source>Select one message first, then choose Reply, Forward or Edit as New again.</source>
        <translation>请先选中一封邮件，再选择回复、转发或作为新邮件编辑。</translation>
    </message>
    <message>
        <location filename="../../ui/compose/sending.py" line="+135"/>
        <source>The message could not be put in the Outbox: {detail}. It is still here (and in Drafts): correct it and send again.</source>
        <extracomment>The longest the retry timer sleeps before looking at the outbox again (another process, such as ``poplark send --queue-only``, may have queued mail meanwhile). At start-up, what waits in the outbox is sent after this pause (the window shows first). A short sentence for the status bar (sending, sent, waiting). A sentence that needs the user (failed for good, may have been sent, settings), for the info bar. The outbox&apos;s rows changed (queued, sent, failed, retried, removed). A send job ended (tests wait on it): the account&apos;s name.</extracomment>
        <translation>邮件未能放入发件箱：{detail}。它仍在这里（也在草稿箱中）：请改正后重新发送。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Sending mail from {account}…</source>
        <translation>正在从 {account} 发送邮件…</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>“{subject}” from {account} may have been sent: the connection ended after the server had the whole message and before it confirmed it. It is not sent again by itself: ask a recipient or look in your provider&apos;s web mail, then in the Outbox choose “It Arrived” or “Send Again”.</source>
        <translation>来自 {account} 的“{subject}”可能已发出：服务器收到整封邮件后、确认之前连接中断了。Poplark 不会自动重发：请询问收件人或在邮箱网页版中查看，然后在发件箱中选择“已送达”或“重新发送”。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>{account}: {sent} message(s) sent, {waiting} waiting for you in the Outbox.</source>
        <translation>{account}：已发送 {sent} 封邮件，{waiting} 封在发件箱中等待你处理。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{account}: {count} message(s) sent.</source>
        <translation>{account}：已发送 {count} 封邮件。</translation>
    </message>
    <message>
        <location filename="../../ui/compose/window.py" line="+105"/>
        <source>From:</source>
        <extracomment>Base64 makes attachments a third larger on the wire; the text and headers add a little.</extracomment>
        <translation>发件人：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To:</source>
        <translation>收件人：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cc:</source>
        <translation>抄送：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bcc:</source>
        <translation>密送：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subject:</source>
        <translation>主题：</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Compose</source>
        <translation>写邮件</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Save Draft</source>
        <translation>存草稿</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Attach Files…</source>
        <translation>添加附件…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Remove Attachment</source>
        <translation>移除附件</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rich Text (HTML)</source>
        <translation>富文本（HTML）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Signature…</source>
        <translation>签名…</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+160"/>
        <source>Discard Draft</source>
        <translation>放弃草稿</translation>
    </message>
    <message>
        <location line="-111"/>
        <source>There is no account to send from: add one in File &gt; New Account.</source>
        <translation>没有可用来发信的账户：请在“文件 &gt; 新建账户”中添加一个。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The account {account} has no outgoing (SMTP) server: set one in its Account Settings, then send again. The message is kept in Drafts.</source>
        <translation>账户 {account} 没有设置发件（SMTP）服务器：请在账户设置中设置后重新发送。邮件保留在草稿箱中。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>These are not addresses one can send to: {addresses}. Correct them (they are marked), then send again.</source>
        <translation>以下不是可以发送的地址：{addresses}。请改正（已标出），然后重新发送。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The message has no recipient: add one in To, Cc or Bcc.</source>
        <translation>邮件没有收件人：请在收件人、抄送或密送中添加。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Cannot send yet</source>
        <translation>暂时无法发送</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No subject</source>
        <translation>没有主题</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The message has no subject. Send it anyway?</source>
        <translation>这封邮件没有主题。仍然发送吗？</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>This message is about {size}, and {provider} takes messages of at most {limit}: it would probably be refused. Remove attachments or send them as links. Send it anyway?</source>
        <translation>这封邮件约 {size}，而 {provider} 只接受不超过 {limit} 的邮件：很可能会被拒收。请移除附件，或改用链接分享。仍然发送吗？</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This message is about {size}, and most providers take messages of at most {limit}: it may be refused. Remove attachments or send them as links. Send it anyway?</source>
        <translation>这封邮件约 {size}，而大多数邮箱只接受不超过 {limit} 的邮件：可能会被拒收。请移除附件，或改用链接分享。仍然发送吗？</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Large message</source>
        <translation>邮件过大</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Not sent</source>
        <translation>未发送</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+9"/>
        <source>Attach Files</source>
        <translation>添加附件</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Delete this message without sending it? Its saved draft is deleted too.</source>
        <translation>删除这封邮件而不发送？已保存的草稿也会删除。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>New Message</source>
        <translation>新邮件</translation>
    </message>
</context>
<context>
    <name>ConditionRow</name>
    <message>
        <location filename="../../ui/rules/editor.py" line="-76"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>ContactEditor</name>
    <message>
        <location filename="../../ui/contacts/editor.py" line="+37"/>
        <source>Edit Contact</source>
        <translation>编辑联系人</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New Contact</source>
        <translation>新建联系人</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Family name:</source>
        <translation>姓：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Given name:</source>
        <translation>名：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Name:</source>
        <translation>姓名：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Addresses (the first is the one mail goes to):</source>
        <translation>地址（邮件发往第一个地址）：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Label (home, work…)</source>
        <translation>标签（家庭、工作…）</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Add Address</source>
        <translation>添加地址</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remove Address</source>
        <translation>删除地址</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Groups, separated by commas</source>
        <translation>组，用逗号分隔</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Groups:</source>
        <translation>组：</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Note:</source>
        <translation>备注：</translation>
    </message>
    <message>
        <location line="+49"/>
        <source>“{0}” is not an email address. Correct it, or remove its row.</source>
        <translation>“{0}”不是有效的电子邮件地址。请改正，或删除这一行。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Give the contact a name or an address.</source>
        <translation>请为联系人填写姓名或地址。</translation>
    </message>
</context>
<context>
    <name>ContactTableModel</name>
    <message>
        <location filename="../../ui/contacts/contact_model.py" line="+65"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Addresses</source>
        <translation>地址</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Groups</source>
        <translation>组</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
</context>
<context>
    <name>DetailsDialog</name>
    <message>
        <location filename="../../ui/dialogs/details_dialog.py" line="+25"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
</context>
<context>
    <name>FetchController</name>
    <message>
        <location filename="../../ui/workers/fetch_controller.py" line="+122"/>
        <source>the password for {account} is not stored; it must be given for this session</source>
        <extracomment>Set by the job&apos;s succeeded/failed signal; emitted once the thread has ended.</extracomment>
        <translation>未保存 {account} 的密码，需要在本次运行时输入</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>no password is stored for {account}</source>
        <translation>未保存 {account} 的密码</translation>
    </message>
</context>
<context>
    <name>FetchStatus</name>
    <message>
        <location filename="../../ui/widgets/fetch_status.py" line="+54"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Details</source>
        <translation>详细信息</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>{0}: downloading message {1} of {2}</source>
        <translation>{0}：正在下载第 {1} 封，共 {2} 封</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{0}/{1} · {2} of {3}</source>
        <translation>{0}/{1} · {2}，共 {3}</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>{0}: connecting…</source>
        <translation>{0}：正在连接…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0}: checking for new mail…</source>
        <translation>{0}：正在检查新邮件…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0}: no new mail to download</source>
        <translation>{0}：没有需要下载的新邮件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0}: removing downloaded mail from the server…</source>
        <translation>{0}：正在从服务器删除已下载的邮件…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0}: done</source>
        <translation>{0}：完成</translation>
    </message>
</context>
<context>
    <name>FolderActions</name>
    <message>
        <location filename="../../ui/operations/moving.py" line="+22"/>
        <source>Moving messages failed</source>
        <translation>移动邮件失败</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Copying messages failed</source>
        <translation>复制邮件失败</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Deleting the folder failed</source>
        <translation>删除文件夹失败</translation>
    </message>
    <message>
        <location filename="../../ui/folder_actions.py" line="+73"/>
        <source>A folder needs a name. Type one.</source>
        <translation>文件夹需要一个名称。请输入名称。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A folder name cannot contain “/”. Choose another name.</source>
        <translation>文件夹名称不能包含“/”。请换一个名称。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A folder name can have at most {count} characters. Choose a shorter one.</source>
        <translation>文件夹名称最多 {count} 个字符。请换一个短一些的名称。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>There is already a folder with this name here. Choose another name.</source>
        <translation>这里已有同名的文件夹。请换一个名称。</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>New Subfolder</source>
        <translation>新建子文件夹</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New Folder</source>
        <translation>新建文件夹</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Rename Folder</source>
        <translation>重命名文件夹</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Delete Folder</source>
        <translation>删除文件夹</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>“{name}” and its subfolders hold {count} message(s). Delete the folder and move the messages to Trash? You can restore them from Trash.</source>
        <translation>“{name}”及其子文件夹中有 {count} 封邮件。要删除该文件夹并将这些邮件移到“已删除”吗？之后可以从“已删除”中恢复。</translation>
    </message>
    <message>
        <location line="+13"/>
        <location line="+6"/>
        <source>Move Folder</source>
        <translation>移动文件夹</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A folder cannot go inside itself or one of its subfolders. Drop it on another folder.</source>
        <translation>文件夹不能放进它自己或它的子文件夹。请把它拖到其他文件夹上。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Folder name:</source>
        <translation>文件夹名称：</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>That place is gone. Choose another one in the folder list.</source>
        <translation>该位置已不存在。请在文件夹列表中另选一个。</translation>
    </message>
</context>
<context>
    <name>FolderChooser</name>
    <message>
        <location filename="../../ui/dialogs/folder_chooser.py" line="+38"/>
        <source>Copy to Folder</source>
        <extracomment>The folder key of an item (None on account and &quot;On this computer&quot; items, which only group).</extracomment>
        <translation>复制到文件夹</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Move to Folder</source>
        <translation>移动到文件夹</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Copy the selected messages to:</source>
        <translation>将所选邮件复制到：</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Move the selected messages to:</source>
        <translation>将所选邮件移动到：</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Type to find a folder</source>
        <translation>输入名称查找文件夹</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Move</source>
        <translation>移动</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>On this computer</source>
        <translation>本地文件夹</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Inbox</source>
        <translation>收件箱</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Junk</source>
        <translation>垃圾邮件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Trash</source>
        <translation>已删除</translation>
    </message>
</context>
<context>
    <name>FolderModel</name>
    <message>
        <location filename="../../ui/models/folder_model.py" line="+142"/>
        <source>Junk</source>
        <extracomment>The account id of an item (None for &quot;All Inboxes&quot;). The :class:`Folder` value of an item (an account&apos;s own item means its Inbox). The number of unread messages behind an item, for delegates that draw a badge. True on an account&apos;s Outbox item: not a folder of messages but the messages waiting to be sent (its FOLDER_ROLE is None, so ``folder_at`` gives None for it; ``outbox_at`` gives the account). Freedesktop icon names; where the platform has no theme they are simply blank.</extracomment>
        <translation>垃圾邮件</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Trash</source>
        <translation>已删除</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Drafts</source>
        <translation>草稿箱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Inbox</source>
        <translation>收件箱</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+40"/>
        <source>All Inboxes</source>
        <translation>所有收件箱</translation>
    </message>
    <message>
        <location line="-39"/>
        <source>The inboxes of all accounts together</source>
        <translation>所有账户的收件箱</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+38"/>
        <source>Outbox</source>
        <translation>发件箱</translation>
    </message>
    <message>
        <location line="-36"/>
        <source>Messages waiting to be sent, and those that could not be sent</source>
        <translation>等待发送的邮件，以及未能发出的邮件</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>{name} ({count})</source>
        <translation>{name}（{count}）</translation>
    </message>
    <message>
        <location filename="../../ui/models/user_folder_items.py" line="+35"/>
        <source>On this computer</source>
        <extracomment>The id of a user folder&apos;s item (None on every other item). True on the &quot;On this computer&quot; item. FolderModel&apos;s FOLDER_ROLE (that module imports this one; a test checks the two agree). What decides whether the tree must be built again: (id, account, parent, name) of each folder.</extracomment>
        <translation>本地文件夹</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Folders of your own that belong to no account: right-click to make one</source>
        <translation>不属于任何账户的自建文件夹：右键单击即可新建</translation>
    </message>
</context>
<context>
    <name>FolderPane</name>
    <message>
        <location filename="../../ui/panes/folder_menus.py" line="+25"/>
        <source>New Folder…</source>
        <translation>新建文件夹…</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>New Subfolder…</source>
        <translation>新建子文件夹…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Rename Folder…</source>
        <translation>重命名文件夹…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delete Folder…</source>
        <translation>删除文件夹…</translation>
    </message>
</context>
<context>
    <name>GroupMenus</name>
    <message>
        <location filename="../../ui/contacts/group_menu.py" line="+53"/>
        <source>Rename Group…</source>
        <translation>重命名组…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove Group…</source>
        <translation>删除组…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Add to Group…</source>
        <translation>添加到组…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Rename Group</source>
        <translation>重命名组</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New name for the group {0}:</source>
        <translation>组 {0} 的新名称：</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Remove Group</source>
        <translation>删除组</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove the group {0}? Its contacts stay in the address book.</source>
        <translation>要删除组 {0} 吗？组里的联系人仍保留在通讯录中。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Add to Group</source>
        <translation>添加到组</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Group (choose one, or type a new name):</source>
        <translation>组（选择一个，或输入新名称）：</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Group {0} renamed to {1}.</source>
        <translation>组 {0} 已重命名为 {1}。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Group {0} removed.</source>
        <translation>组 {0} 已删除。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Added to {0}.</source>
        <translation>已添加到 {0}。</translation>
    </message>
</context>
<context>
    <name>HtmlMessageView</name>
    <message>
        <location filename="../../ui/widgets/html_view.py" line="+322"/>
        <source>Copy</source>
        <extracomment>Normalized content id -&gt; (bytes, content type) of the parts the body may show. Content ids the view asked for, in order (tests assert on it). ``neutralize_network_hints(html)``, served while remote content is blocked; the viewer prepares it in its background job (it costs about 0.5 s for 10 MB of HTML). A request was blocked (its URL); the pane shows the remote-content bar. The rendered message that ``allow_remote`` is for: the page of the previous message goes on asking for its images until the next one replaces it, and must not get them. Set by :meth:`HtmlMessageView.show_document` for the one load it starts. Navigations refused (URL strings), for tests and debugging. A link the user clicked (never followed here). The link under the mouse (&quot;&quot; when none): the pane shows the real target. The current message finished loading (its images, allowed or blocked, are settled). Something was blocked (its URL). The page&apos;s render process ended abnormally (crashed, killed, out of memory): the reason.</extracomment>
        <translation>复制</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Copy Link Address</source>
        <translation>复制链接地址</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Select All</source>
        <translation>全选</translation>
    </message>
</context>
<context>
    <name>InboxModel</name>
    <message>
        <location filename="../../ui/models/message_rows.py" line="+136"/>
        <source>Read</source>
        <extracomment>The role that returns the message id of a row, for views and proxies that only see indexes. Attachments are shown with an icon (app/resources/icons/attachment.svg): few fonts have a paperclip. len(Column), computed once: columnCount() runs for every index a view creates. What each sortable column sorts by in SQL. The marker columns are missing because the store has no SortColumn for them yet; sorting by one of them leaves the order unchanged. Per column, in Column order. Computed once: combining Qt flags in Python costs microseconds. The folders of mail the user wrote: the list names its recipients instead of its sender. The message&apos;s tag ids in the tags&apos; order (app/ui/tags: dots and colour in the Subject column).</extracomment>
        <translation>已读</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unread</source>
        <translation>未读</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Has attachments</source>
        <translation>有附件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Flagged</source>
        <translation>已加旗标</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{sender}
Account: {account}</source>
        <translation>{sender}
账户：{account}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{size} bytes</source>
        <translation>{size} 字节</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To: {recipients}</source>
        <translation>收件人：{recipients}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Read status</source>
        <translation>阅读状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Attachments</source>
        <translation>附件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Flag</source>
        <translation>旗标</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>From</source>
        <translation>发件人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
</context>
<context>
    <name>JunkActions</name>
    <message>
        <location filename="../../ui/operations/junk.py" line="+40"/>
        <source>Training the junk filter failed</source>
        <extracomment>A message trained costs what moving about this many rows costs, in the runner&apos;s measure.</extracomment>
        <translation>训练垃圾邮件过滤器失败</translation>
    </message>
    <message>
        <location filename="../../ui/junk_actions.py" line="+39"/>
        <source>Marked as junk and moved to Junk. Not Junk (Shift+J) takes it back.</source>
        <translation>已标记为垃圾邮件并移到“垃圾邮件”。按“非垃圾邮件”(Shift+J) 可以移回。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0} messages marked as junk and moved to Junk. Not Junk (Shift+J) takes them back.</source>
        <translation>{0} 封邮件已标记为垃圾邮件并移到“垃圾邮件”。按“非垃圾邮件”(Shift+J) 可以移回。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Marked as junk: the filter learns from it.</source>
        <translation>已标记为垃圾邮件：过滤器会从中学习。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Marked as not junk and moved back to the Inbox.</source>
        <translation>已标记为非垃圾邮件并移回收件箱。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} messages marked as not junk and moved back to the Inbox.</source>
        <translation>{0} 封邮件已标记为非垃圾邮件并移回收件箱。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Marked as not junk: the filter learns from it.</source>
        <translation>已标记为非垃圾邮件：过滤器会从中学习。</translation>
    </message>
</context>
<context>
    <name>JunkSettingsPage</name>
    <message>
        <location filename="../../ui/dialogs/junk_settings.py" line="+26"/>
        <source>Junk Mail</source>
        <translation>垃圾邮件</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Move junk to the account&apos;s Junk folder as it arrives</source>
        <translation>收到邮件时把垃圾邮件移到该账户的“垃圾邮件”文件夹</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Learnt from {0} junk and {1} good messages.</source>
        <translation>已从 {0} 封垃圾邮件和 {1} 封正常邮件中学习。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Learnt from {0} junk and {1} good messages. Mark at least {2} of each with Junk (J) and Not Junk (Shift+J); until then only blocked senders are moved.</source>
        <translation>已从 {0} 封垃圾邮件和 {1} 封正常邮件中学习。请用“垃圾邮件”(J) 和“非垃圾邮件”(Shift+J) 各标记至少 {2} 封；在此之前只移动被屏蔽发件人的邮件。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Junk from a score of:</source>
        <translation>分数不低于此值为垃圾邮件：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Good mail below a score of:</source>
        <translation>分数低于此值为正常邮件：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mail from my address book or from people I wrote to is never junk</source>
        <translation>来自通讯录联系人或我写过信的人的邮件永远不算垃圾邮件</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Always junk: one address or domain per line (a domain includes its subdomains)</source>
        <translation>总是垃圾邮件：每行一个地址或域名（域名包括其子域名）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The filter learns and judges on this computer only: nothing about your mail is sent anywhere.</source>
        <translation>过滤器只在这台电脑上学习和判断：不会把您邮件的任何内容发送到别处。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>The junk score must be at least the score below which mail is good: raise the first or lower the second.</source>
        <translation>垃圾邮件的分数不能低于正常邮件的分数：请提高前者或降低后者。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>“{0}” is neither an address (name@example.com) nor a domain (example.com): correct it or remove the line.</source>
        <translation>“{0}”既不是地址（name@example.com）也不是域名（example.com）：请改正或删除这一行。</translation>
    </message>
</context>
<context>
    <name>LeftOnServer</name>
    <message>
        <location filename="../../ui/remote/left_on_server.py" line="+51"/>
        <source>{0} ({1} large message(s) left on the server)</source>
        <extracomment>Account id -&gt; large messages left on its server, as last counted. The tooltips the hint replaced, to put back once nothing is left.</extracomment>
        <translation>{0}（{1} 封大邮件留在服务器上）</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Larger than the account&apos;s size limit, so not downloaded. Open Remote Mailbox (account menu) to download or delete them.</source>
        <translation>这些邮件超过账户的大小限制，因此没有下载。打开“远程邮箱管理”（账户菜单）即可下载或删除它们。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/actions.py" line="+21"/>
        <source>Unicode (UTF-8)</source>
        <extracomment>The &quot;Text encoding&quot; menu: (codec label, shown name, translated when the menu is built).</extracomment>
        <translation>Unicode（UTF-8）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chinese Simplified (GB18030/GBK)</source>
        <translation>简体中文（GB18030/GBK）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Chinese Traditional (Big5)</source>
        <translation>繁体中文（Big5）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Japanese (Shift_JIS)</source>
        <translation>日文（Shift_JIS）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Japanese (EUC-JP)</source>
        <translation>日文（EUC-JP）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Japanese (ISO-2022-JP)</source>
        <translation>日文（ISO-2022-JP）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Korean (EUC-KR)</source>
        <translation>韩文（EUC-KR）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cyrillic (KOI8-R)</source>
        <translation>西里尔文（KOI8-R）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cyrillic (Windows-1251)</source>
        <translation>西里尔文（Windows-1251）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hebrew (Windows-1255)</source>
        <translation>希伯来文（Windows-1255）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hebrew (ISO-8859-8)</source>
        <translation>希伯来文（ISO-8859-8）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thai (Windows-874)</source>
        <translation>泰文（Windows-874）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Western (ISO-8859-1)</source>
        <translation>西欧（ISO-8859-1）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Western (Windows-1252)</source>
        <translation>西欧（Windows-1252）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Western (ISO-8859-15)</source>
        <translation>西欧（ISO-8859-15）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Central European (ISO-8859-2)</source>
        <translation>中欧（ISO-8859-2）</translation>
    </message>
    <message>
        <location line="+42"/>
        <location filename="../../ui/panes/folder_pane.py" line="+113"/>
        <source>Get Mail</source>
        <extracomment>The dynamic property holding the untranslated text of an action or menu (retranslate() reads it).</extracomment>
        <translation>收取邮件</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>New Account…</source>
        <translation>新建账户…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Account Settings…</source>
        <translation>账户设置…</translation>
    </message>
    <message>
        <location line="+3"/>
        <location filename="../../ui/panes/folder_pane.py" line="+2"/>
        <source>Remove Account…</source>
        <translation>删除账户…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mark as Read</source>
        <translation>标为已读</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mark as Unread</source>
        <translation>标为未读</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Flag</source>
        <translation>旗标</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Move to Folder…</source>
        <translation>移动到文件夹…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Copy to Folder…</source>
        <translation>复制到文件夹…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Empty Trash…</source>
        <translation>清空已删除邮件…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Import Messages…</source>
        <translation>导入邮件…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export Selected Messages…</source>
        <translation>导出所选邮件…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export Folder as mbox…</source>
        <translation>将文件夹导出为 mbox…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Message Source</source>
        <translation>邮件源码</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show Message as Plain Text</source>
        <translation>以纯文本显示邮件</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>New Message</source>
        <translation>写邮件</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reply</source>
        <translation>回复</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reply All</source>
        <translation>全部回复</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Forward</source>
        <translation>转发</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Forward as Attachment</source>
        <translation>作为附件转发</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Edit as New</source>
        <translation>作为新邮件编辑</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location line="-38"/>
        <source>Preferences…</source>
        <translation>首选项…</translation>
    </message>
    <message>
        <location line="-17"/>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>About Poplark</source>
        <translation>关于 Poplark</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel Fetch</source>
        <translation>停止收取</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Message</source>
        <translation>邮件(&amp;M)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;View</source>
        <translation>查看(&amp;V)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Text Encoding</source>
        <translation>文字编码</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location line="-70"/>
        <source>Save Protocol Log…</source>
        <translation>保存协议日志…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="+410"/>
        <location line="+9"/>
        <source>Save Protocol Log</source>
        <translation>保存协议日志</translation>
    </message>
    <message>
        <location line="-7"/>
        <source>Log files (*.log *.txt)</source>
        <translation>日志文件 (*.log *.txt)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The log could not be saved: %1. Choose another folder.</source>
        <translation>无法保存日志：%1。请选择其他文件夹。</translation>
    </message>
    <message>
        <location filename="../../ui/actions.py" line="+85"/>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="-30"/>
        <location filename="../../ui/panes/message_list.py" line="+32"/>
        <source>Search messages</source>
        <extracomment>The search box waits this long after the last keystroke before it queries (ms). The Flag button shows &quot;checked&quot; for a selection of at most this many messages, all flagged. Column widths before the user changes them (logical pixels); Subject takes the rest.</extracomment>
        <translation>搜索邮件</translation>
    </message>
    <message>
        <location filename="../../ui/panes/info_bar.py" line="+38"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../ui/panes/welcome.py" line="+52"/>
        <source>Welcome to Poplark</source>
        <extracomment>The welcome page&apos;s explanation wraps at this width (logical pixels).</extracomment>
        <translation>欢迎使用 Poplark</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add your mail account to start. Type your address (QQ, 163, Gmail, your company…) and Poplark fills in the server settings.</source>
        <translation>添加你的邮箱账户即可开始。输入邮箱地址（QQ、163、Gmail、公司邮箱…），Poplark 会自动填写服务器设置。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Add an account…</source>
        <translation>添加账户…</translation>
    </message>
    <message>
        <location filename="../../ui/notifications.py" line="+93"/>
        <location filename="../../ui/tray.py" line="+40"/>
        <source>Show Poplark</source>
        <extracomment>The icon name the desktop entry and the icon theme use (packaging/linux). Seconds to wait for the daemon&apos;s answer (it answers at once; a hung one must not hold up the rest). How often the bus thread looks for a new notice or a click (seconds).
----------
How long a new-mail notice stays (ms). The user asked for the window (a click on the icon or &quot;Show Poplark&quot;). The unread count of all Inboxes and user folders changed (the window shows it in its title).</extracomment>
        <translation>显示 Poplark</translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="+28"/>
        <source>{0}: 1 new message</source>
        <translation>{0}：1 封新邮件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0}: {1} new messages</source>
        <translation>{0}：{1} 封新邮件</translation>
    </message>
    <message>
        <location filename="../../ui/mailbox_actions.py" line="+94"/>
        <source>Delete the {0} message(s) in Trash for good? This cannot be undone.</source>
        <translation>永久删除“已删除”文件夹中的 {0} 封邮件？此操作无法撤销。</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Delete {0} message(s) for good? This cannot be undone.</source>
        <translation>永久删除这 {0} 封邮件？此操作无法撤销。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Delete Messages</source>
        <translation>删除邮件</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Messages still on the server will be deleted from the server at the next check, as the account settings say.</source>
        <translation>按照账户设置，仍在服务器上的邮件将在下次收信时从服务器删除。</translation>
    </message>
    <message>
        <location line="-29"/>
        <source>Empty Trash</source>
        <translation>清空已删除邮件</translation>
    </message>
    <message>
        <location filename="../../ui/operations/trash.py" line="+21"/>
        <source>Delete failed</source>
        <translation>删除失败</translation>
    </message>
    <message>
        <location filename="../../ui/mailbox_actions.py" line="+38"/>
        <source>{0} message(s) deleted for good</source>
        <translation>已永久删除 {0} 封邮件</translation>
    </message>
    <message>
        <location filename="../../ui/panes/status_bar.py" line="+45"/>
        <source>{0} message(s) will be deleted from the server at the next check</source>
        <translation>{0} 封邮件将在下次收信时从服务器删除</translation>
    </message>
    <message>
        <location filename="../../ui/mailbox_actions.py" line="+16"/>
        <source>Import Messages</source>
        <translation>导入邮件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mail messages (*.eml);;All files (*)</source>
        <translation>邮件 (*.eml);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../ui/operations/files.py" line="+33"/>
        <source>Import failed</source>
        <translation>导入失败</translation>
    </message>
    <message>
        <location filename="../../ui/mailbox_actions.py" line="+11"/>
        <source>{0} message(s) imported</source>
        <translation>已导入 {0} 封邮件</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Export Messages To</source>
        <translation>将邮件导出到</translation>
    </message>
    <message>
        <location filename="../../ui/operations/files.py" line="+15"/>
        <location line="+22"/>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <location filename="../../ui/mailbox_actions.py" line="+12"/>
        <source>Export Folder as mbox</source>
        <translation>将文件夹导出为 mbox</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>mbox files (*.mbox);;All files (*)</source>
        <translation>mbox 文件 (*.mbox);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{0} file(s) written</source>
        <translation>已写入 {0} 个文件</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="-81"/>
        <location filename="../../ui/operations/flags.py" line="+25"/>
        <location line="+14"/>
        <location filename="../../ui/operations/trash.py" line="+27"/>
        <location filename="../../ui/tags/operations.py" line="+33"/>
        <location line="+14"/>
        <source>Mail store problem</source>
        <translation>邮件存储出现问题</translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="-10"/>
        <source>Poplark: {0} unread</source>
        <translation>Poplark：{0} 封未读</translation>
    </message>
    <message>
        <location filename="../../ui/fetch_outcomes.py" line="+139"/>
        <source>{0}: {1} new message(s)</source>
        <translation>{0}：{1} 封新邮件</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{0}: no new mail</source>
        <translation>{0}：没有新邮件</translation>
    </message>
    <message>
        <location filename="../../ui/tray.py" line="+11"/>
        <source>New mail</source>
        <translation>新邮件</translation>
    </message>
    <message>
        <location filename="../../ui/fetch_outcomes.py" line="-42"/>
        <source>The previous fetch of {0} was interrupted; it has been resumed.</source>
        <extracomment>The account&apos;s settings must change before it can work (the window opens the dialog).</extracomment>
        <translation>{0} 上次的收信被中断了，现已继续收取。</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Password not saved</source>
        <translation>密码未保存</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Certificate not trusted</source>
        <translation>证书不受信任</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Certificate SHA-256 fingerprint:
{0}

Trust this exact certificate for {1} only if your provider confirms this fingerprint.</source>
        <translation>证书 SHA-256 指纹：
{0}

只有在服务商确认此指纹无误时，才为 {1} 信任这一份证书。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Trust This Certificate</source>
        <translation>信任此证书</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>{0}: cancelled</source>
        <translation>{0}：已取消</translation>
    </message>
    <message>
        <location filename="../../ui/account_actions.py" line="+28"/>
        <source>Remove the account “{0}” from Poplark?</source>
        <translation>要从 Poplark 中删除账户“{0}”吗？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Its {0} message(s) on this computer, in every folder, will be deleted. This cannot be undone; export them first (File &gt; Export Folder as mbox) to keep a copy.</source>
        <translation>它在这台电脑上的 {0} 封邮件（所有文件夹中的）将被删除，且无法撤销；如需保留副本，请先导出（文件 &gt; 将文件夹导出为 mbox）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mail on the server is not touched. If you add the account again, the messages still on the server are downloaded again.</source>
        <translation>服务器上的邮件不受影响。如果以后重新添加这个账户，仍在服务器上的邮件会被重新下载。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{0} message(s) in its outbox, not sent yet, will be deleted too.</source>
        <translation>它发件箱中尚未发送的 {0} 封邮件也将被删除。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Its passwords for receiving and for sending will be deleted from the system keyring.</source>
        <translation>它用于收信和发信的密码将从系统密钥环中删除。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Its password will be deleted from the system keyring.</source>
        <translation>它的密码将从系统密钥环中删除。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No password is stored for it; the one typed for this session is forgotten.</source>
        <translation>它没有保存密码；本次会话中输入的密码将被忘记。</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+4"/>
        <location line="+31"/>
        <location line="+20"/>
        <location filename="../../ui/operations/accounts.py" line="+58"/>
        <source>Remove Account</source>
        <extracomment>The account is gone from the store (its name); the window re-reads its accounts.
----------
Why the keyring kept a password (&quot;&quot; when every stored password is gone).</extracomment>
        <translation>删除账户</translation>
    </message>
    <message>
        <location line="-20"/>
        <source>Poplark is getting mail for {0}. Cancel the fetch (Esc) or wait for it to end, then remove the account.</source>
        <translation>Poplark 正在为 {0} 收取邮件。请先取消收取（Esc）或等待它结束，然后再删除这个账户。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Account {0} removed</source>
        <translation>账户 {0} 已删除</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The account {0} and its mail were removed, but its password could not be deleted from the system keyring ({1}). Delete the entry for Poplark in your keyring manager (Seahorse, KWallet).</source>
        <translation>账户 {0} 及其邮件已删除，但它的密码无法从系统密钥环中删除（{1}）。请在密钥环管理器（Seahorse、KWallet）中删除 Poplark 的这一条目。</translation>
    </message>
    <message>
        <location filename="../../ui/panes/folder_pane.py" line="-3"/>
        <source>Edit Account…</source>
        <extracomment>(account id or None, folder key): a :class:`Folder` member, or &quot;user:&lt;id&gt;&quot; for a user folder. (account id or None for all accounts, folder) of the folder the user opened. The account id of the Outbox the user opened (not a folder of messages: app/ui/compose/outbox_view.py). From the account&apos;s context menu, with the account id: edit its settings, get its mail, remove it. The account id whose remote mailbox window to open (issue 18). From the folder menus: (account id or None, parent folder id or None), a folder id. A user folder dropped on another: (folder id, new parent id or None for the top level). Messages dropped on a folder: (ids, folder key, copy instead of move). The folder last announced by folder_opened (the list shows it).</extracomment>
        <translation>编辑账户…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remote Mailbox…</source>
        <translation>远程邮箱管理…</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_again.py" line="+36"/>
        <source>Sign In Again</source>
        <extracomment>Names of the accounts waiting for a new sign-in (the window&apos;s state, for tests and menus). Tests set this to drive the browser step (see BrowserSignIn.open_url).</extracomment>
        <translation>重新登录</translation>
    </message>
    <message>
        <location filename="../../ui/contacts/controller.py" line="+30"/>
        <source>Address Book</source>
        <extracomment>Thunderbird&apos;s Ctrl+Shift+B is Restore to Inbox here; C for contacts.</extracomment>
        <translation>通讯录</translation>
    </message>
    <message>
        <location filename="../../ui/contacts/sender.py" line="+27"/>
        <source>Add Sender to Address Book</source>
        <extracomment>The action&apos;s texts, in the main window&apos;s translation context (its retranslate() renews them).</extracomment>
        <translation>将发件人添加到通讯录</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Edit Sender’s Contact…</source>
        <translation>编辑发件人的联系人信息…</translation>
    </message>
    <message>
        <location filename="../../ui/junk_actions.py" line="-20"/>
        <source>Junk</source>
        <extracomment>Thunderbird&apos;s keys: J marks junk, Shift+J not junk.</extracomment>
        <translation>垃圾邮件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Not Junk</source>
        <translation>非垃圾邮件</translation>
    </message>
    <message>
        <location filename="../../ui/tags/feature.py" line="+80"/>
        <location line="+1"/>
        <source>&amp;Tag</source>
        <extracomment>Selections up to this size show their tags as checks in the Tag menu (one query); larger ones show none checked, and choosing a tag still toggles it for all of them.</extracomment>
        <translation>标签(&amp;T)</translation>
    </message>
    <message>
        <location line="+95"/>
        <location line="+1"/>
        <source>Quick Filter</source>
        <translation>快速筛选</translation>
    </message>
    <message>
        <location filename="../../ui/rules/menu.py" line="+18"/>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Filter Rules…</source>
        <translation>过滤规则…</translation>
    </message>
</context>
<context>
    <name>MessageList</name>
    <message>
        <location filename="../../ui/panes/message_list.py" line="+116"/>
        <source>1 message</source>
        <extracomment>The selection changed: the one selected message&apos;s summary, or None (none or several). Space pressed: read on (the next page of the message, then the next message). A click on the star column of one row: flag or unflag that message (id, flag it). The list now shows other messages (another folder or search): anything pending is moot. Flags of shown messages changed in the store: the Flag button follows the selection. The user began dragging the selected rows (to a folder).</extracomment>
        <translation>1 封邮件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>{0} messages</source>
        <translation>{0} 封邮件</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No messages in this folder match “{0}”. Check the spelling, or search another folder.</source>
        <translation>此文件夹中没有与“{0}”匹配的邮件。请检查拼写，或在其他文件夹中搜索。</translation>
    </message>
</context>
<context>
    <name>MessageWindow</name>
    <message>
        <location filename="../../ui/widgets/message_window.py" line="+36"/>
        <source>Attached Message</source>
        <translation>附带的邮件</translation>
    </message>
</context>
<context>
    <name>PartialBar</name>
    <message>
        <location filename="../../ui/widgets/partial_bar.py" line="+47"/>
        <source>Download Now</source>
        <extracomment>Download Now was pressed for this message id. Whether something carries out Download Now (the main window&apos;s reader; not a message window of its own, which says where to go instead).</extracomment>
        <translation>立即下载</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>This message was not fully downloaded: {0} left on the server.</source>
        <translation>此邮件没有完整下载：还有 {0} 留在服务器上。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Select it in the main window to download the rest.</source>
        <translation>在主窗口中选中它即可下载其余部分。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Downloading the rest of this message…</source>
        <translation>正在下载此邮件的其余部分…</translation>
    </message>
</context>
<context>
    <name>PartialCompleter</name>
    <message>
        <location filename="../../ui/remote/partial_completer.py" line="+84"/>
        <source>The rest of this message is no longer on the server (it was deleted there), so it cannot be downloaded. Its headers stay here; delete the message if you do not need it.</source>
        <extracomment>The message is whole now (its new summary). (message id, what to tell the user). The account&apos;s name, for the sentence of a failure (written by the job, read after it).</extracomment>
        <translation>此邮件的其余部分已不在服务器上（已在服务器上被删除），因此无法下载。邮件头仍保留在这里；如果不再需要，可以删除这封邮件。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The rest of this message could not be downloaded: {0}. Try again.</source>
        <translation>无法下载此邮件的其余部分：{0}。请重试。</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <location filename="../../ui/dialogs/password_dialog.py" line="+33"/>
        <source>Password for {account}</source>
        <translation>{account} 的密码</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Account:</source>
        <translation>账户：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{user} on {server}</source>
        <translation>{server} 上的 {user}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Password or authorization code</source>
        <translation>密码或授权码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Password:</source>
        <translation>密码：</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remember password (in the system keyring)</source>
        <translation>记住密码（保存在系统密钥环中）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>No system keyring is available: the password is kept only until Poplark quits.</source>
        <translation>没有可用的系统密钥环：密码只保留到 Poplark 退出为止。</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <location filename="../../ui/dialogs/preferences.py" line="+137"/>
        <source>Preferences</source>
        <extracomment>QSettings key of the language choice; app.ui.application reads it before the first window. The longest delay offered before a shown message counts as read (seconds). Language choices: &quot;&quot; follows the system; the others are locale names of shipped translations. Seconds a message must stay shown before it counts as read; 0 marks it at once. What the account dialog proposes for a new account (minutes, 0 = only by hand). &quot;&quot; follows the system locale; otherwise one of LANGUAGES. Read at start-up.</extracomment>
        <translation>首选项</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+84"/>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <location line="-79"/>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The new language applies as soon as you press OK.</source>
        <translation>按下“确定”后，新的语言立即生效。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Closing the window keeps Poplark running in the system tray</source>
        <translation>关闭窗口时最小化到系统托盘，保持 Poplark 运行</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Show a notification when new mail arrives</source>
        <translation>收到新邮件时显示通知</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Reading</source>
        <translation>阅读</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Mark messages as read when they are shown</source>
        <translation>查看邮件时自动标为已读</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>immediately</source>
        <translation>立即</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>After:</source>
        <translation>延迟：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Never load remote content</source>
        <translation>从不加载远程内容</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ask for each message</source>
        <translation>每封邮件单独询问</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Pictures and styles loaded from the internet tell the sender when and where you read a message.</source>
        <translation>从网络加载的图片和样式会让发件人知道你何时、在何处阅读了邮件。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remote content:</source>
        <translation>远程内容：</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>New accounts</source>
        <translation>新账户</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>only by hand</source>
        <translation>仅手动收取</translation>
    </message>
    <message>
        <location line="+1"/>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Check for new mail every:</source>
        <translation>收取新邮件间隔：</translation>
    </message>
</context>
<context>
    <name>PreviewPane</name>
    <message>
        <location filename="../../ui/widgets/preview.py" line="+192"/>
        <source>Subject:</source>
        <extracomment>QSettings key: senders (lower-case addresses) whose remote content loads without asking. The HTML with cid: rewritten to our scheme (for ``token``), or None. ``html`` as served while remote content is blocked (see html_policy.neutralize_network_hints). Where the searched words are in ``text`` (UTF-16 positions, as Qt counts), to be marked. Emitted when the body of ``message_id`` (a stored message) is on screen: &quot;mark read when shown&quot;. Emitted whenever a message&apos;s body is on screen (stored or attached). An attached message to open in a window of its own: (raw bytes, title). What the search box held when the message was chosen: its words are marked in the body.</extracomment>
        <translation>主题：</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>From:</source>
        <translation>发件人：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To:</source>
        <translation>收件人：</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cc:</source>
        <translation>抄送：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Date:</source>
        <translation>日期：</translation>
    </message>
    <message>
        <location line="+192"/>
        <source>[The HTML view stopped ({0}); this is the message&apos;s text version.]</source>
        <translation>[HTML 视图已停止（{0}）；以下是这封邮件的纯文本版本。]</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/message_window.py" line="-1"/>
        <location filename="../../ui/widgets/preview.py" line="-144"/>
        <source>(no subject)</source>
        <extracomment>The size a message window asks for; the screen may give less.</extracomment>
        <translation>（无主题）</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/preview.py" line="+41"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>This message could not be read: {0}</source>
        <translation>无法读取此邮件：{0}</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>{0} and {1} more</source>
        <translation>{0} 等另外 {1} 人</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>[The message is too long to show in full. View &gt; Message Source or export it to see the rest.]</source>
        <translation>[邮件太长，无法完整显示。请用“查看 &gt; 邮件源码”或导出邮件查看其余部分。]</translation>
    </message>
</context>
<context>
    <name>ProblemNote</name>
    <message>
        <location filename="../../ui/widgets/message_notes.py" line="+75"/>
        <source>This message is damaged, so parts of it may be missing or look wrong.</source>
        <translation>此邮件已损坏，部分内容可能缺失或显示异常。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show the source as received</source>
        <translation>查看收到时的原始源码</translation>
    </message>
</context>
<context>
    <name>QuickFilterBar</name>
    <message>
        <location filename="../../ui/tags/filter_bar.py" line="+84"/>
        <source>Any tag</source>
        <extracomment>The filter the toggles make now (a :class:`QuickFilter`). The close button: the window hides the bar (and the filter with it).</extracomment>
        <translation>任意标签</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>No messages match. Switch a filter off or change the search.</source>
        <translation>没有符合条件的邮件。请关闭某个筛选条件，或修改搜索内容。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>1 message</source>
        <translation>1 封邮件</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} messages</source>
        <translation>{0} 封邮件</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Unread</source>
        <translation>未读</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Only unread messages</source>
        <translation>只显示未读邮件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Flagged</source>
        <translation>已加星标</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Only flagged messages</source>
        <translation>只显示加星标的邮件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Attachment</source>
        <translation>附件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Only messages with attachments</source>
        <translation>只显示带附件的邮件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Only messages from people in your address book</source>
        <translation>只显示通讯录中联系人发来的邮件</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Only messages with this tag</source>
        <translation>只显示带此标签的邮件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close the filter bar and show every message (Ctrl+Shift+K)</source>
        <translation>关闭筛选栏，显示全部邮件（Ctrl+Shift+K）</translation>
    </message>
</context>
<context>
    <name>RecipientField</name>
    <message>
        <location filename="../../ui/contacts/recipient_field.py" line="+101"/>
        <source>Names or addresses, separated by commas</source>
        <extracomment>Suggestions shown at most (the core ranks them: contacts, groups, then addresses seen in mail). What separates recipients (ASCII and the full-width Chinese comma and semicolon). The dynamic property a style sheet or a test reads: the field holds something not an address. The completion list was filled for what is typed (tests and screenshots wait on it). The text the completion list was filled for.</extracomment>
        <translation>姓名或地址，用逗号分隔</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Not an address: {0}. Correct it, or remove it before sending.</source>
        <translation>不是有效的地址：{0}。请改正，或在发送前删除。</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>{0} (group of {1})</source>
        <translation>{0}（组，{1} 人）</translation>
    </message>
</context>
<context>
    <name>RemoteContentBar</name>
    <message>
        <location filename="../../ui/widgets/message_notes.py" line="-50"/>
        <source>Remote content was blocked to protect your privacy.</source>
        <translation>为保护您的隐私，已阻止加载远程内容。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Load Remote Content</source>
        <translation>加载远程内容</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Always for This Sender</source>
        <translation>始终允许此发件人</translation>
    </message>
</context>
<context>
    <name>RemoteMailbox</name>
    <message>
        <location filename="../../ui/workers/account_secret.py" line="+37"/>
        <source>no password is stored for {account}: get mail once (Poplark asks for the password), then try again</source>
        <translation>没有保存 {account} 的密码：请先收取一次邮件（Poplark 会询问密码），然后重试</translation>
    </message>
    <message>
        <location filename="../../ui/remote/feature.py" line="+52"/>
        <location line="+58"/>
        <source>Remote Mailbox…</source>
        <extracomment>Called when mail was stored (downloaded, or completed): the search index catches up.</extracomment>
        <translation>远程邮箱管理…</translation>
    </message>
    <message>
        <location filename="../../ui/remote/gmail.py" line="+30"/>
        <source>Gmail lists the mail of the last 30 days here ({0} message(s)), because the user name starts with recent:.</source>
        <extracomment>About how many messages Gmail lists in one POP3 session.</extracomment>
        <translation>因为用户名以 recent: 开头，这里列出的是 Gmail 最近 30 天的邮件（{0} 封）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Gmail lists at most about {0} messages per session: {1} listed.</source>
        <translation>Gmail 每次会话最多列出大约 {0} 封邮件：本次列出 {1} 封。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>There may be more: download these (mark and Execute), then press List Again for the next ones. To see the last 30 days of mail instead, put recent: before the user name in the account settings (recent:{0}).</source>
        <translation>可能还有更多：先下载这些邮件（标记后按“执行”），再按“重新列出”查看下一批。若要改为查看最近 30 天的邮件，请在账户设置中于用户名前加上 recent:（recent:{0}）。</translation>
    </message>
</context>
<context>
    <name>RemoteMailboxWindow</name>
    <message>
        <location filename="../../ui/remote/remote_window.py" line="+148"/>
        <source>Remote Mailbox: {0}</source>
        <extracomment>Told (account id, count) of the large messages left on the server after each listing. Called after Execute stored mail (the search index catches up).</extracomment>
        <translation>远程邮箱管理：{0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>List Again</source>
        <translation>重新列出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Download and Delete</source>
        <translation>下载并删除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete on Server</source>
        <translation>从服务器删除</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Leave</source>
        <translation>保留</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+117"/>
        <source>Execute</source>
        <translation>执行</translation>
    </message>
    <message>
        <location line="-116"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search sender and subject</source>
        <translation>搜索发件人和主题</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>{0} message(s) cannot be marked: the server gives them no name of their own (UIDL).</source>
        <translation>有 {0} 封邮件无法标记：服务器没有为它们提供各自的标识（UIDL）。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Marked: {0} to download, {1} to download and delete, {2} to delete on the server. Press Execute to carry them out.</source>
        <translation>已标记：{0} 封下载，{1} 封下载并删除，{2} 封从服务器删除。按“执行”即可完成。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Listing the messages on the server…</source>
        <translation>正在列出服务器上的邮件…</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The server cannot send headers alone (no TOP), so senders, subjects and dates are not shown; sizes are.</source>
        <translation>服务器无法单独发送邮件头（不支持 TOP），因此不显示发件人、主题和日期；只显示大小。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The server does not name its messages (no UIDL), so single messages cannot be downloaded or deleted safely here; Get Mail downloads them by the account&apos;s rules.</source>
        <translation>服务器不为邮件提供标识（不支持 UIDL），因此无法在这里安全地下载或删除单封邮件；“收取邮件”会按账户的规则下载它们。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>{0} message(s) on the server, {1}.</source>
        <translation>服务器上有 {0} 封邮件，共 {1}。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0} large message(s) left on the server (over the account&apos;s size limit).</source>
        <translation>有 {0} 封大邮件留在服务器上（超过账户的大小限制）。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Delete on the Server</source>
        <translation>从服务器删除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} message(s) will be deleted from the server of {1}; this cannot be undone (those to download are deleted only once they are stored here).</source>
        <translation>将从 {1} 的服务器上删除 {0} 封邮件，此操作无法撤销（需要下载的邮件会在保存到本地之后才删除）。</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Carrying out {0} mark(s)…</source>
        <translation>正在执行 {0} 个标记…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Downloaded {0}, deleted {1} from the server.</source>
        <translation>已下载 {0} 封，已从服务器删除 {1} 封。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0} were here already.</source>
        <translation>{0} 封已在本地。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Not done: {0}.</source>
        <translation>未完成：{0}。</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Stopped. Nothing was deleted on the server.</source>
        <translation>已停止。服务器上没有删除任何邮件。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Something unexpected went wrong: {0}. Try again.</source>
        <translation>发生了意外错误：{0}。请重试。</translation>
    </message>
</context>
<context>
    <name>RemoteModel</name>
    <message>
        <location filename="../../ui/remote/remote_model.py" line="+132"/>
        <source>Mark</source>
        <extracomment>The account&apos;s size cap: new messages above it are left on the server by every fetch.</extracomment>
        <translation>标记</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>From</source>
        <translation>发件人</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>This message cannot be marked: the server gives it no name of its own (UIDL) that a later session could find it by.</source>
        <translation>这封邮件无法标记：服务器没有为它提供可在以后的会话中找到它的标识（UIDL）。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>(not listed by the server)</source>
        <translation>（服务器未提供）</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Download and delete</source>
        <translation>下载并删除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete on server</source>
        <translation>从服务器删除</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>In part</source>
        <translation>部分下载</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Deleted here</source>
        <translation>已在本地删除</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>No: too large</source>
        <translation>否：太大</translation>
    </message>
</context>
<context>
    <name>RuleEditor</name>
    <message>
        <location filename="../../ui/rules/editor.py" line="+116"/>
        <source>Edit Rule</source>
        <translation>编辑规则</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New Rule</source>
        <translation>新建规则</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>For example: Invoices to 财务</source>
        <translation>例如：发票归入财务</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Enabled</source>
        <translation>启用</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>When a message arrives that matches</source>
        <translation>收到的邮件符合</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>all of the conditions</source>
        <translation>以下所有条件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>any of the conditions</source>
        <translation>以下任一条件</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Add a condition</source>
        <translation>添加条件</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Do this</source>
        <translation>执行以下操作</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Add an action</source>
        <translation>添加操作</translation>
    </message>
    <message>
        <location line="+70"/>
        <source>Give the rule a name.</source>
        <translation>请为规则起一个名称。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add at least one condition.</source>
        <translation>请至少添加一个条件。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add an action: the rule does nothing yet.</source>
        <translation>请添加一个操作：这条规则目前什么也不做。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The regular expression “{0}” cannot be used ({1}, at character {2}). Correct it, or choose “contains” to look for the text as written.</source>
        <translation>正则表达式“{0}”无法使用（{1}，在第 {2} 个字符处）。请改正它，或选择“包含”按原文查找。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Type the name of the header to look at, for example List-Id.</source>
        <translation>请输入要查看的邮件头名称，例如 List-Id。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Type the size as a number of KB, for example 500.</source>
        <translation>请以 KB 为单位输入大小，例如 500。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Type the text to look for in each condition.</source>
        <translation>请在每个条件中输入要查找的文字。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Choose a folder (create one in the folder pane first).</source>
        <translation>请选择一个文件夹（可先在文件夹窗格中新建）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose a tag (make one with Message &gt; Tag &gt; Manage Tags… first).</source>
        <translation>请选择一个标签（可先通过“邮件 &gt; 标签 &gt; 管理标签…”新建）。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Type the address to forward to, for example name@example.com.</source>
        <translation>请输入转发的目标地址，例如 name@example.com。</translation>
    </message>
</context>
<context>
    <name>RuleTexts</name>
    <message>
        <location filename="../../ui/rules/texts.py" line="+17"/>
        <source>From</source>
        <translation>发件人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To or Cc</source>
        <translation>收件人或抄送</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Body</source>
        <translation>正文</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Header named</source>
        <translation>邮件头</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Size (KB)</source>
        <translation>大小（KB）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Account</source>
        <translation>账户</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Has attachment</source>
        <translation>有附件</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>contains</source>
        <translation>包含</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>does not contain</source>
        <translation>不包含</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>is</source>
        <translation>是</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>begins with</source>
        <translation>开头是</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>matches (regular expression)</source>
        <translation>匹配（正则表达式）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>is greater than</source>
        <translation>大于</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>is less than</source>
        <translation>小于</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>is before</source>
        <translation>早于</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>is after</source>
        <translation>晚于</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Move to folder</source>
        <translation>移动到文件夹</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Copy to folder</source>
        <translation>复制到文件夹</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tag with</source>
        <translation>添加标签</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mark as read</source>
        <translation>标为已读</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Flag</source>
        <translation>加旗标</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete (to Trash)</source>
        <translation>删除（移到废件箱）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete from the server</source>
        <translation>从服务器删除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Forward to</source>
        <translation>转发给</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop processing more rules</source>
        <translation>不再执行后面的规则</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Inbox (of the message&apos;s account)</source>
        <translation>收件箱（邮件所属账户的）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Junk (of the message&apos;s account)</source>
        <translation>垃圾邮件（邮件所属账户的）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trash (of the message&apos;s account)</source>
        <translation>废件箱（邮件所属账户的）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>(a deleted tag)</source>
        <translation>（已删除的标签）</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Inbox (every account)</source>
        <extracomment>The built-in folders a rule may move or copy to.</extracomment>
        <translation>收件箱（所有账户）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Junk (every account)</source>
        <translation>垃圾邮件（所有账户）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Trash (every account)</source>
        <translation>废件箱（所有账户）</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>On this computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>(a deleted folder)</source>
        <translation>（已删除的文件夹）</translation>
    </message>
</context>
<context>
    <name>RulesDialog</name>
    <message>
        <location filename="../../ui/rules/dialog.py" line="+57"/>
        <source>Filter Rules</source>
        <extracomment>Running the rules changed mail (moved, copied, marked): the panes should read again. A run or preview ended (its results are shown).</extracomment>
        <translation>过滤规则</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Rules run on new mail in this order, right after it is stored. Untick a rule to pause it.</source>
        <translation>新邮件存好后，规则按以下顺序执行。取消勾选可暂停某条规则。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>New…</source>
        <translation>新建…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move Up</source>
        <translation>上移</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move Down</source>
        <translation>下移</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Run the rules now</source>
        <translation>立即运行规则</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>On the mail in:</source>
        <translation>对此处的邮件：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Run Now</source>
        <translation>立即运行</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Message</source>
        <translation>邮件</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>What happens</source>
        <translation>将会发生</translation>
    </message>
    <message>
        <location line="+92"/>
        <source>Rule not saved</source>
        <translation>规则未保存</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Delete Rule</source>
        <translation>删除规则</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete the rule “{0}”? Mail it already sorted stays where it is.</source>
        <translation>删除规则“{0}”吗？已经整理过的邮件会留在原处。</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Looking at the mail…</source>
        <translation>正在查看邮件…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Running the rules…</source>
        <translation>正在运行规则…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>(no subject)</source>
        <translation>（无主题）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0} message(s) would change. Nothing has been changed yet: press Run Now to do it.</source>
        <translation>{0} 封邮件将会改变。目前还没有任何改动：按“立即运行”执行。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Done: {0} message(s) changed.</source>
        <translation>完成：{0} 封邮件已改变。</translation>
    </message>
    <message>
        <location line="-3"/>
        <location line="+4"/>
        <source>No rule acts on the mail in this folder.</source>
        <translation>没有规则作用于此文件夹中的邮件。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Some actions could not be carried out: {0}</source>
        <translation>有些操作未能执行：{0}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The rules could not run: {0}. Close other programs that use the mail store, then try again.</source>
        <translation>规则未能运行：{0}。请关闭其他正在使用邮件库的程序，然后重试。</translation>
    </message>
</context>
<context>
    <name>SenderContacts</name>
    <message>
        <location filename="../../ui/contacts/sender.py" line="+90"/>
        <source>Added {0} to the address book.</source>
        <extracomment>The address book&apos;s own icon, on the button beside the From line and in the context menu. A short sentence for the status bar (&quot;Added 张三 to the address book.&quot;). The sender is a contact and the user wants to edit it. The state (add or edit, or nothing to add) is known for the current message.</extracomment>
        <translation>已将 {0} 添加到通讯录。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} is already in the address book.</source>
        <translation>{0} 已在通讯录中。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The sender could not be added: {0}. Try again; if it fails again, add the contact in the address book.</source>
        <translation>无法添加发件人：{0}。请重试；如果仍然失败，请在通讯录中手动添加该联系人。</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../ui/dialogs/sign_in_dialog.py" line="+30"/>
        <source>Sign In Again</source>
        <translation>重新登录</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{0} gets its tokens from its token command: run the command by hand to see why its token is refused.</source>
        <translation>{0}通过其令牌命令获取令牌：请手动运行该命令，查看令牌被拒绝的原因。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>{0} cannot sign in yet: enter your client ID in the account settings. Details: {1}</source>
        <translation>{0}还无法登录：请在账户设置中输入您的客户端ID。详情：{1}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Poplark opens {0}&apos;s sign-in page in your browser. Sign in as {1} and allow Poplark to read and send mail; then come back here. Poplark gets the mail right after.</source>
        <translation>Poplark会在浏览器中打开{0}的登录页面。请以{1}登录并允许Poplark读取和发送邮件，然后回到这里。Poplark随即收取邮件。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Sign In…</source>
        <translation>登录…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Opening the sign-in page in your browser…</source>
        <translation>正在浏览器中打开登录页面…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>open the sign-in page</source>
        <translation>打开登录页面</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Waiting for you to sign in in your browser. If no browser opened, {link}.</source>
        <translation>正在等待您在浏览器中登录。如果浏览器没有打开，请{link}。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Signed in, but the system keyring did not take the sign-in: unlock it and sign in again. Details: {0}</source>
        <translation>已登录，但系统密钥环未能保存登录信息：请解锁密钥环后重新登录。详情：{0}</translation>
    </message>
</context>
<context>
    <name>SourceWindow</name>
    <message>
        <location filename="../../ui/widgets/source_window.py" line="+50"/>
        <source>Source of “{0}”</source>
        <extracomment>Characters shown at most (about 4 MB of message, 0.2 s to lay out): more would freeze the window.</extracomment>
        <translation>“{0}”的源码</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Message Source</source>
        <translation>邮件源码</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>[The message is longer than what is shown here. Export it as .eml to see all of it.]</source>
        <translation>[邮件比这里显示的更长。请将其导出为 .eml 查看全部内容。]</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The message could not be read: {0}</source>
        <translation>无法读取此邮件：{0}</translation>
    </message>
</context>
<context>
    <name>TagFeature</name>
    <message>
        <location filename="../../ui/tags/feature.py" line="-70"/>
        <source>Remove All Tags</source>
        <translation>移除所有标签</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Manage Tags…</source>
        <translation>管理标签…</translation>
    </message>
</context>
<context>
    <name>TagManager</name>
    <message>
        <location filename="../../ui/tags/manager.py" line="+46"/>
        <location line="+116"/>
        <location line="+9"/>
        <source>Tags</source>
        <extracomment>Colours offered in turn to new tags (Thunderbird&apos;s and Foxmail&apos;s usual ones, then more). Any tag was created, renamed, recoloured, deleted or moved.</extracomment>
        <translation>标签</translation>
    </message>
    <message>
        <location line="-122"/>
        <source>Keys 1 to 9 tag the selected messages with the first nine tags, in this order; 0 removes every tag.</source>
        <translation>按数字键 1 到 9 可给选中的邮件加上按此顺序排列的前九个标签；按 0 移除所有标签。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>New…</source>
        <translation>新建…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Colour…</source>
        <translation>颜色…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move Up</source>
        <translation>上移</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move Down</source>
        <translation>下移</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>New Tag</source>
        <translation>新建标签</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Rename Tag</source>
        <translation>重命名标签</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>There is already a tag named “{0}”. Choose another name.</source>
        <translation>已有名为“{0}”的标签。请换一个名称。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Tag Colour</source>
        <translation>标签颜色</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Delete the tag “{0}”? It is taken off {1} message(s); the messages stay.</source>
        <translation>删除标签“{0}”吗？它将从 {1} 封邮件上移除，邮件本身保留。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Delete the tag “{0}”? No message has it.</source>
        <translation>删除标签“{0}”吗？没有邮件带有此标签。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete Tag</source>
        <translation>删除标签</translation>
    </message>
</context>
<context>
    <name>Tags</name>
    <message>
        <location filename="../../ui/tags/look.py" line="+19"/>
        <source>Important</source>
        <extracomment>The default tags&apos; names by their key, translated when shown (the store keeps them in English).</extracomment>
        <translation>重要</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Work</source>
        <translation>工作</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Personal</source>
        <translation>个人</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To do</source>
        <translation>待办</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <location line="+78"/>
        <source>, </source>
        <comment>between the names of a message&apos;s tags</comment>
        <extracomment>Dots drawn per row at most; more tags are named in the tooltip. Size of one dot and the gap after it, in logical pixels; the width each dot takes.</extracomment>
        <translation>、</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Tags: {0}</source>
        <translation>标签：{0}</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <location filename="../../ui/errors.py" line="+90"/>
        <source>Cancelled</source>
        <extracomment>Details from unknown exceptions are cut here: a dialog is no place for a page of repr(). Sign in with the provider again in the browser (an OAuth2 grant that ended), then fetch. Show in the status bar only, no dialog: the problem is expected to pass by itself.</extracomment>
        <translation>已取消</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stopped getting mail for {account}. Messages already downloaded are kept; get mail again to download the rest.</source>
        <translation>已停止收取 {account} 的邮件。已下载的邮件会保留；再次收取邮件即可下载其余邮件。</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Password not accepted</source>
        <translation>密码错误</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>The server of {account} did not accept the user name or password.{server_said} Enter the password again.</source>
        <translation>{account} 的服务器未接受用户名或密码。{server_said}请重新输入密码。</translation>
    </message>
    <message>
        <location line="-22"/>
        <source>Sign in again</source>
        <translation>需要重新登录</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+9"/>
        <source>Sign-in not accepted</source>
        <translation>登录未被接受</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server of {account} refused the OAuth2 login as malformed.{server_said} In the account settings, check that the user name is the full address.</source>
        <translation>{account}的服务器以格式错误为由拒绝了OAuth2登录。{server_said}请在账户设置中检查用户名是否为完整的邮箱地址。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>QQ Mail, 163 and 126 accept only an authorization code (授权码) here, not the web mail password: create one in the web mail settings, after switching POP3 on.</source>
        <translation>QQ 邮箱、163 和 126 邮箱在此处只接受授权码，而不是网页邮箱的登录密码：请先在网页邮箱的设置中开启 POP3 服务，然后生成授权码。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Mailbox busy</source>
        <translation>邮箱忙</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The mailbox of {account} is busy: another mail program may be checking it, or the server wants a longer pause between checks.{server_said} Poplark will try again later by itself.</source>
        <translation>{account} 的邮箱正忙：可能有其他邮件程序正在收取，或服务器要求两次收取之间间隔更长时间。{server_said}Poplark 稍后会自动重试。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Server problem</source>
        <translation>服务器故障</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server of {account} has a temporary problem.{server_said} Poplark will try again later by itself.</source>
        <translation>{account} 的服务器暂时出现问题。{server_said}Poplark 稍后会自动重试。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Server stopped responding</source>
        <translation>服务器无响应</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server of {account} stopped responding. Mail received so far is kept; Poplark will try again later by itself. If this keeps happening, check your network connection.</source>
        <translation>{account} 的服务器停止了响应。已收到的邮件会保留；Poplark 稍后会自动重试。如果问题持续出现，请检查网络连接。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Server not reachable</source>
        <translation>无法连接服务器</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Could not reach the server of {account} ({detail}). Poplark will try again later by itself. If this keeps happening, check your network connection and the server name and port in the account settings.</source>
        <translation>无法连接到 {account} 的服务器（{detail}）。Poplark 稍后会自动重试。如果问题持续出现，请检查网络连接，以及账户设置中的服务器地址和端口。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Settings need attention</source>
        <translation>设置有误</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The settings of {account} cannot be used as they are: {detail}. Open the account settings and correct them.</source>
        <translation>{account} 的设置无法使用：{detail}。请打开账户设置进行修改。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cannot save mail</source>
        <translation>无法保存邮件</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Server replies out of order</source>
        <translation>服务器响应顺序错乱</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server of {account} answered out of order, so Poplark stopped before saving anything wrongly. Nothing was lost. The next check sends one command at a time, which this server handles; get mail again or wait for the next check.</source>
        <translation>{account} 的服务器响应顺序错乱，Poplark 已在保存出错之前停止，没有丢失任何邮件。下次收取时将逐条发送命令，此服务器可以正常处理；请重新收取邮件或等待下次自动收取。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Unexpected server reply</source>
        <translation>服务器响应异常</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server of {account} sent a reply Poplark could not understand ({detail}). Nothing was lost. Get mail again later; if this keeps happening, tell your mail provider.</source>
        <translation>{account} 的服务器返回了 Poplark 无法识别的响应（{detail}），没有丢失任何邮件。请稍后重新收取；如果问题持续出现，请联系你的邮件服务商。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Server refused</source>
        <translation>服务器拒绝</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server of {account} refused to go on: {detail}. This will not pass by itself: check the account in your provider&apos;s web mail, or ask your mail provider.</source>
        <translation>{account} 的服务器拒绝继续：{detail}。此问题不会自行消失：请在服务商的网页邮箱中检查账户状态，或咨询你的邮件服务商。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Message too large</source>
        <translation>邮件过大</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A message for {account} is larger than the size limit and was left on the server. To download it, raise the limit in the account settings.</source>
        <translation>{account} 有一封邮件超过了大小限制，已留在服务器上。如需下载，请在账户设置中提高大小限制。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Already getting mail</source>
        <translation>正在收取邮件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{account} is already being checked by another Poplark window or command. Wait for it to finish; its new mail will appear here.</source>
        <translation>另一个 Poplark 窗口或命令正在收取 {account} 的邮件。请等待其完成，新邮件会显示在这里。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Something went wrong</source>
        <translation>出现问题</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Something unexpected went wrong with {account} ({detail}). Try again; if it happens again, please report it with Poplark&apos;s log.</source>
        <translation>{account} 出现了意外问题（{detail}）。请重试；如果再次发生，请附上 Poplark 的日志进行报告。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>This computer has no secure password storage (system keyring), so Poplark cannot remember the password for {account}. Enter it now: it will be kept for this session only. To have it remembered, install and unlock a keyring such as GNOME Keyring or KWallet.</source>
        <translation>此电脑没有安全的密码存储（系统密钥环），因此 Poplark 无法记住 {account} 的密码。请现在输入密码：它只在本次运行期间保留。如需记住密码，请安装并解锁 GNOME Keyring 或 KWallet 等密钥环。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Poplark has no password for {account} ({detail}). Enter the password to get mail.</source>
        <translation>Poplark 没有 {account} 的密码（{detail}）。请输入密码以收取邮件。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Password needed</source>
        <translation>需要密码</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Certificate not trusted</source>
        <translation>证书不受信任</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The server of {account} presented a certificate that cannot be verified ({detail}). Its SHA-256 fingerprint is {fingerprint}. Trust this exact certificate only if your provider or administrator confirms that fingerprint; otherwise do not connect, as someone may be listening in.</source>
        <translation>{account} 的服务器提供的证书无法验证（{detail}）。其 SHA-256 指纹为 {fingerprint}。只有在服务商或管理员确认此指纹后，才可信任这一份证书；否则请不要连接，因为可能有人在窃听。</translation>
    </message>
    <message>
        <location line="+24"/>
        <location line="+5"/>
        <source>Secure connection failed</source>
        <translation>安全连接失败</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A secure connection to the server of {account} could not be set up ({detail}). Check the server name, port and security setting in the account settings.</source>
        <translation>无法与 {account} 的服务器建立安全连接（{detail}）。请检查账户设置中的服务器地址、端口和安全类型。</translation>
    </message>
    <message>
        <location line="-13"/>
        <source>No greeting from the server</source>
        <translation>服务器没有发送问候语</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Poplark connected to the server of {account}, but it sent no greeting: it may be a TLS port. Choose SSL/TLS (usually port 995) in the account settings.</source>
        <translation>Poplark 已连接到 {account} 的服务器，但服务器没有发送问候语：这可能是一个 TLS 端口。请在账户设置中选择 SSL/TLS（通常为 995 端口）。</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>STARTTLS not offered</source>
        <translation>服务器不支持 STARTTLS</translation>
    </message>
    <message>
        <location line="-149"/>
        <source>The sign-in of {account} has expired or was withdrawn by the provider.{server_said} Press “Sign In Again” to sign in in your browser; Poplark then gets the mail.</source>
        <translation>{account}的登录已过期或已被服务商撤销。{server_said}请点击“重新登录”在浏览器中登录；之后Poplark会收取邮件。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The server of {account} refused the sign-in, even with a fresh token.{server_said} Check that POP is switched on for the account and that the user name is the full address, then press “Sign In Again”.</source>
        <translation>{account}的服务器拒绝了登录，即使使用了新的令牌。{server_said}请检查该账户已开启POP，且用户名为完整地址，然后点击“重新登录”。</translation>
    </message>
    <message>
        <location line="+143"/>
        <source>The server of {account} does not offer STARTTLS: try SSL/TLS on port 995 in the account settings.{server_said}</source>
        <translation>{account} 的服务器不支持 STARTTLS：请在账户设置中改用 995 端口的 SSL/TLS。{server_said}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>The server of {account} answered in plain text, not TLS: is this port TLS? Try STARTTLS or port 110/995 in the account settings.</source>
        <translation>{account} 的服务器以明文而不是 TLS 应答：这个端口真的是 TLS 端口吗？请在账户设置中尝试 STARTTLS，或改用 110/995 端口。</translation>
    </message>
    <message>
        <location filename="../../ui/compose/send_errors.py" line="+43"/>
        <location filename="../../ui/errors.py" line="+31"/>
        <source> The server said: “{text}”.</source>
        <translation>服务器返回：“{text}”。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>“{subject}” was not sent.</source>
        <translation>“{subject}”未发出。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>It waits in the Outbox as failed: correct the cause, then choose Send Again or Edit there, or Delete.</source>
        <translation>它作为发送失败的邮件留在发件箱中：请排除原因后在那里选择“重新发送”或“编辑”，或将其删除。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The outgoing server of {account} refused the recipient(s) {addresses}, so the message was sent to no one.{server_said} Check the address(es).</source>
        <translation>{account} 的发件服务器拒绝了收件人 {addresses}，因此邮件没有发给任何人。{server_said}请检查这些地址。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The outgoing server of {account} cannot take the recipient(s) {addresses} right now.{server_said} The message waits in the Outbox and is tried again later by itself.</source>
        <translation>{account} 的发件服务器暂时无法接收收件人 {addresses}。{server_said}邮件留在发件箱中，稍后会自动重试。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The outgoing server of {account} refused the message as too large.{server_said} Remove or shrink attachments, or send them as links.</source>
        <translation>{account} 的发件服务器以邮件过大为由拒收。{server_said}请移除或压缩附件，或改用链接分享。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The outgoing (SMTP) server of {account} did not accept the user name or password.{server_said} Correct them in the account settings; the messages wait in the Outbox and go once the login works.</source>
        <translation>{account} 的发件（SMTP）服务器不接受用户名或密码。{server_said}请在账户设置中改正；邮件留在发件箱中，登录成功后即会发出。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Poplark has no password for the outgoing server of {account}. Enter it in the account settings; the messages wait in the Outbox.</source>
        <translation>Poplark 没有 {account} 发件服务器的密码。请在账户设置中输入；邮件留在发件箱中。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The outgoing server of {account} cannot take mail right now.{server_said} The messages wait in the Outbox and are tried again later by themselves.</source>
        <translation>{account} 的发件服务器暂时无法接收邮件。{server_said}邮件留在发件箱中，稍后会自动重试。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The outgoing server of {account} refused the message.{server_said} Read what it said; change the message or ask your provider.</source>
        <translation>{account} 的发件服务器拒收了这封邮件。{server_said}请阅读服务器的说明，修改邮件或咨询邮箱服务商。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The outgoing server of {account} does not offer a secure connection (STARTTLS), so nothing was sent: Poplark never sends in clear text instead. Choose SSL/TLS on port 465 in the account settings.</source>
        <translation>{account} 的发件服务器不提供安全连接（STARTTLS），因此没有发送任何内容：Poplark 绝不会改用明文发送。请在账户设置中选择 SSL/TLS、端口 465。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>A secure connection to the outgoing server of {account} could not be set up ({detail}), so nothing was sent. Check the SMTP server name, port and security in the account settings; the messages wait in the Outbox.</source>
        <translation>无法与 {account} 的发件服务器建立安全连接（{detail}），因此没有发送任何内容。请在账户设置中检查 SMTP 服务器名、端口和安全设置；邮件留在发件箱中。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Could not reach the outgoing server of {account} ({detail}). The messages wait in the Outbox and are tried again later by themselves.</source>
        <translation>无法连接 {account} 的发件服务器（{detail}）。邮件留在发件箱中，稍后会自动重试。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{account} is already sending from another Poplark window or command; the messages go from there.</source>
        <translation>{account} 正在由另一个 Poplark 窗口或命令发送；邮件会从那里发出。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sending from {account} needs attention: {detail}. The messages wait in the Outbox.</source>
        <translation>从 {account} 发送需要处理：{detail}。邮件留在发件箱中。</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="+76"/>
        <source>Mail store damaged</source>
        <translation>邮件存储已损坏</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Poplark&apos;s mail store was damaged ({reason}). It was moved aside, unchanged, to {file} in {folder}, so nothing in it is overwritten. Poplark now starts with a new, empty mail store: add your accounts again. Keep the damaged file if you want to try to recover mail from it.</source>
        <translation>Poplark 的邮件存储已损坏（{reason}）。它已原样移到 {folder} 中的 {file}，其中的内容不会被覆盖。Poplark 现在使用一个新的空邮件存储启动：请重新添加您的账户。如果想尝试从中恢复邮件，请保留这个损坏的文件。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Mail store from a newer Poplark</source>
        <translation>邮件存储来自更新版本的 Poplark</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This mail store was written by a newer version of Poplark, and this version cannot read it. It was not changed. Install the newer Poplark to open it, or start this one with another profile folder (--profile).</source>
        <translation>此邮件存储由更新版本的 Poplark 写入，当前版本无法读取。它没有被修改。请安装更新版本的 Poplark 来打开它，或用其他配置文件夹（--profile）启动当前版本。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cannot open the mail store</source>
        <translation>无法打开邮件存储</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{account}: the server kept {count} message(s) it was asked to delete. Poplark will not ask again; delete them in the provider&apos;s web mail, or check its POP settings (some providers ignore POP deletions).</source>
        <translation>{account}：服务器保留了 {count} 封已要求删除的邮件。Poplark 不会再次请求删除；请在邮件服务商的网页邮箱中删除它们，或检查其 POP 设置（有些服务商会忽略 POP 删除）。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>the file</source>
        <translation>该文件</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>There is no space left for {file}. Free some disk space, or choose another folder, and try again.</source>
        <translation>没有足够的空间写入 {file}。请释放一些磁盘空间，或选择其他文件夹，然后重试。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Poplark is not allowed to use {file}. Choose another folder (one of your own), or change the permissions, and try again.</source>
        <translation>Poplark 无权使用 {file}。请选择其他文件夹（您自己的文件夹），或更改权限，然后重试。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{file} was not found: it may have been moved or deleted, or its disk disconnected. Check that it is there, or choose another folder, and try again.</source>
        <translation>找不到 {file}：它可能已被移动或删除，或者所在的磁盘已断开。请确认它仍然存在，或选择其他文件夹，然后重试。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Poplark could not use {file} ({reason}). Choose another folder or file, and try again.</source>
        <translation>Poplark 无法使用 {file}（{reason}）。请选择其他文件夹或文件，然后重试。</translation>
    </message>
</context>
<context>
    <name>store_errors</name>
    <message>
        <location line="-97"/>
        <source>The disk is full: free some disk space, then try again. Nothing was lost.</source>
        <translation>磁盘已满：请释放一些磁盘空间，然后重试。没有丢失任何邮件。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Another Poplark window or command kept the mail store busy; try again in a moment. Nothing was lost.</source>
        <translation>另一个 Poplark 窗口或命令长时间占用了邮件存储；请稍后重试。没有丢失任何邮件。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Poplark may not write to its profile folder: check its permissions and that the disk is not mounted read-only, then try again.</source>
        <translation>Poplark 无法写入其配置文件夹：请检查文件夹权限，并确认磁盘没有以只读方式挂载，然后重试。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Another program moved, replaced or deleted the mail store&apos;s files while Poplark was using them. Quit Poplark and start it again; keep backup and sync tools away from the profile folder while Poplark runs.</source>
        <translation>在 Poplark 使用邮件存储文件时，另一个程序移动、替换或删除了这些文件。请退出并重新启动 Poplark；Poplark 运行期间，请勿让备份或同步工具操作配置文件夹。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Part of the mail store is damaged. Quit Poplark and keep a copy of the profile folder before anything else, so that mail can be recovered from it.</source>
        <translation>邮件存储的一部分已损坏。请先退出 Poplark，并在进行任何其他操作之前备份配置文件夹，以便从中恢复邮件。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The disk reported an error. Check that it is still connected and healthy, then start Poplark again.</source>
        <translation>磁盘报告了错误。请检查磁盘是否仍已连接且工作正常，然后重新启动 Poplark。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Try again; if it happens again, quit Poplark and start it again.</source>
        <translation>请重试；如果问题再次出现，请退出并重新启动 Poplark。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Poplark could not save mail for {account} on this computer ({detail}). Nothing was removed from the server that is not saved here.</source>
        <translation>Poplark 无法在本机保存 {account} 的邮件（{detail}）。未保存到本机的邮件都没有从服务器上删除。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The mail store could not be used ({detail}).</source>
        <translation>无法使用邮件存储（{detail}）。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Poplark cannot open its mail store ({detail}).</source>
        <translation>Poplark 无法打开其邮件存储（{detail}）。</translation>
    </message>
</context>
</TS>
