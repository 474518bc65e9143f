"""The HTML of LinkedIn's consent screen and its error page. Every echoed value is
escaped; every URL is built from the mount point, so the pages work under /sandbox."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from .population import Member

SCOPE_DESCRIPTIONS = {
    "rw_dmp_segments": "Create and manage your matched audiences (DMP segments)",
    "r_ads": "Read your ad accounts",
    "rw_ads": "Manage your ad accounts, campaigns and list uploads",
    "r_ads_reporting": "Read reporting for your ad accounts",
    "r_organization_social": "Read your organizations' posts and comments",
    "openid": "Use your name and photo to sign you in",
    "profile": "Use your name and photo",
    "email": "Use the primary email address on your LinkedIn account",
    "r_basicprofile": "Use your basic profile: name, photo, headline and profile URL",
    "r_liteprofile": "Use your name and photo (legacy)",
    "r_emailaddress": "Use the primary email address on your account (legacy)",
    "w_member_social": "Create, modify and delete posts, comments and reactions on your behalf",
}

_STYLE = """
body{margin:0;font-family:-apple-system,system-ui,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
background:#f4f2ee;color:rgba(0,0,0,.9)}
header{background:#fff;border-bottom:1px solid #e0dfdc;padding:12px 24px;display:flex;align-items:center;gap:8px}
.logo{background:#0A66C2;color:#fff;font-weight:700;border-radius:4px;padding:2px 6px;font-size:20px}
.brand{color:#0A66C2;font-weight:600}
main{max-width:480px;margin:40px auto;background:#fff;border-radius:8px;
box-shadow:0 0 0 1px rgba(0,0,0,.08),0 4px 12px rgba(0,0,0,.08);padding:32px}
h1{font-size:22px;margin:0 0 8px}
p.lead{color:rgba(0,0,0,.6);margin:0 0 20px}
ul.scopes{list-style:none;padding:0;margin:0 0 20px;border-top:1px solid #e0dfdc}
ul.scopes li{padding:10px 0;border-bottom:1px solid #e0dfdc}
ul.scopes code{font-size:12px;color:rgba(0,0,0,.6)}
label{display:block;font-weight:600;margin-bottom:6px}
select{width:100%;padding:8px;border:1px solid rgba(0,0,0,.6);border-radius:4px;font-size:15px;margin-bottom:24px}
.buttons{display:flex;flex-direction:row-reverse;gap:12px;justify-content:flex-start}
button{font-size:16px;font-weight:600;border-radius:24px;padding:10px 24px;cursor:pointer}
button.allow{background:#0A66C2;color:#fff;border:none}
button.allow:hover{background:#004182}
button.cancel{background:#fff;color:rgba(0,0,0,.75);border:1px solid rgba(0,0,0,.6)}
.note{font-size:12px;color:rgba(0,0,0,.6);margin-top:20px}
.error{color:#b24020}
"""


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        "<header><span class=\"logo\">in</span><span class=\"brand\">LinkedIn sandbox</span></header>"
        f"<main>{body}</main></body></html>"
    )


def consent_page(
    *,
    action: str,
    app_name: str,
    scopes: Sequence[str],
    members: Sequence[Member],
    hidden: dict[str, str],
) -> str:
    """The "Allow / Cancel" screen. `hidden` carries the authorization request through."""
    items = "".join(
        f"<li>{escape(SCOPE_DESCRIPTIONS.get(s, s))}<br><code>{escape(s)}</code></li>" for s in scopes
    )
    options = "".join(
        f"<option value=\"{escape(m.id)}\"{' selected' if i == 0 else ''}>"
        f"{escape(m.name)} ({escape(m.title)}, {escape(m.employer)})</option>"
        for i, m in enumerate(members)
    )
    fields = "".join(
        f"<input type=\"hidden\" name=\"{escape(k)}\" value=\"{escape(v)}\">" for k, v in hidden.items()
    )
    body = (
        f"<h1>{escape(app_name)} would like to access your LinkedIn account</h1>"
        "<p class=\"lead\">This will allow the app to:</p>"
        f"<ul class=\"scopes\">{items}</ul>"
        f"<form method=\"post\" action=\"{escape(action)}\">{fields}"
        "<label for=\"member\">Sign in as</label>"
        f"<select id=\"member\" name=\"member\">{options}</select>"
        "<div class=\"buttons\">"
        # Allow comes first so Enter submits it; the CSS shows Cancel on its left.
        "<button type=\"submit\" class=\"allow\" name=\"decision\" value=\"allow\">Allow</button>"
        "<button type=\"submit\" class=\"cancel\" name=\"decision\" value=\"cancel\">Cancel</button>"
        "</div></form>"
        "<p class=\"note\">A sandbox imitating LinkedIn: no data leaves this machine. "
        "You can remove the app's access at any time.</p>"
    )
    return _page(f"Authorize {app_name} | LinkedIn", body)


def error_page(message: str) -> str:
    """LinkedIn's page for a request it will not redirect back (bad client or redirect URI)."""
    body = (
        "<h1>Bummer, something went wrong.</h1>"
        f"<p class=\"error\">{escape(message)}</p>"
        "<p class=\"note\">The application sent an invalid authorization request.</p>"
    )
    return _page("Authorization error | LinkedIn", body)
