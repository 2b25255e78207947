"""The web app's security headers: one source for the local stack's front (devstack/front.py)
and the CloudFront distribution's response headers policy (infra/stack.py).

Plain data and strings only (no CDK), like infra/resources.py: the local front imports it at
run time, the stack at synth time, so the CSP a browser gets locally is the CSP it gets in AWS,
differing only in the origins each place adds (the file store's, Cognito's).
"""
from __future__ import annotations

# No inline script, no third-party script: every directive but img-src, connect-src and
# frame-src is fixed. The file store's origin (presigned URLs: the QR image, documents and
# photos; locally the emulator's) is allowed for images, frames (an uploaded PDF in the
# browser's own viewer on the officer's page) and connections (presigned POST uploads), never
# for script, style or objects; connect-src also takes the sign-in's token endpoint (Cognito's
# domain) in AWS.
# 'wasm-unsafe-eval' lets our own WebAssembly compile (the inspector's QR decoder, served from
# /assets/ like every script); it allows no eval() of JavaScript.
_FIXED_BEFORE = (("default-src", "'self'"), ("script-src", "'self' 'wasm-unsafe-eval'"),
                 ("style-src", "'self'"))
_FIXED_AFTER = (("font-src", "'self'"), ("object-src", "'none'"), ("base-uri", "'none'"),
                ("frame-ancestors", "'none'"), ("form-action", "'self'"))

REFERRER_POLICY = "same-origin"
CONTENT_TYPE_OPTIONS = "nosniff"
# Two years, subdomains included: what the HSTS preload list asks for.
HSTS_MAX_AGE_SECONDS = 63_072_000


def content_security_policy(file_origins: tuple[str, ...] = (),
                            sign_in_origins: tuple[str, ...] = ()) -> str:
    """The portal's CSP: `file_origins` (the file store) for images, frames and uploads;
    `sign_in_origins` for the token exchange."""
    directives = [
        *_FIXED_BEFORE,
        ("img-src", " ".join(("'self'", "data:", "blob:", *file_origins))),
        ("connect-src", " ".join(("'self'", *file_origins, *sign_in_origins))),
        ("frame-src", " ".join(("'self'", *file_origins))),
        *_FIXED_AFTER,
    ]
    return "; ".join(f"{name} {value}" for name, value in directives)
