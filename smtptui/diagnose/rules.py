"""Apply the rule tables: a negative reply or an engine fault -> :class:`Diagnosis`.

Neither function raises on odd input (unknown kinds, code 0 or 999, empty or huge
text, malformed enhanced codes): the worst case is a generic diagnosis built from the
reply's meaning.
"""

from __future__ import annotations

from smtptui.diagnose.codes import reply_meaning
from smtptui.diagnose.fault_rules import FAULT_RULES
from smtptui.diagnose.model import Diagnosis, Fault, Layer, Reply
from smtptui.diagnose.providers import provider_name, provider_of
from smtptui.diagnose.render import clip, context, fill, reply_evidence, with_evidence
from smtptui.diagnose.reply_rules import REPLY_RULES
from smtptui.diagnose.ruletypes import FaultRule, ReplyRule

FAULT_KINDS: frozenset[str] = frozenset(rule.kind for rule in FAULT_RULES)
WARNING_KINDS: frozenset[str] = frozenset(rule.kind for rule in FAULT_RULES if rule.warning)

STAGE_LAYERS: dict[str, Layer] = {
    "resolve": "dns",
    "connect": "network",
    "tls": "tls",
    "starttls": "tls",
    "greeting": "policy",
    "ehlo": "protocol",
    "auth": "auth",
    "mail": "policy",
    "rcpt": "policy",
    "data": "policy",
    "quit": "protocol",
}

_TEXT_LIMIT = 4096


def match_reply(stage: str, reply: Reply, server: str = "", host: str = "",
                authenticated: bool = False) -> ReplyRule | None:
    """The first reply rule that explains this reply at this stage (before or after a
    successful login), if any."""
    provider = provider_of(server, host)
    text = reply.text[:_TEXT_LIMIT]
    for rule in REPLY_RULES:
        if rule.matches(stage, reply, text, provider, authenticated):
            return rule
    return None


def match_fault(fault: Fault) -> FaultRule | None:
    """The first fault rule for this fault's kind whose predicates hold."""
    provider = provider_of(fault.server, fault.host)
    evidence = f"{fault.detail[:_TEXT_LIMIT]}\n{fault.server[:_TEXT_LIMIT]}"
    for rule in FAULT_RULES:
        if rule.kind == fault.kind and rule.matches(
            fault.port, fault.tls_mode, fault.stage, provider, evidence
        ):
            return rule
    return None


def _generic_reply(stage: str, reply: Reply) -> tuple[Layer, str, str]:
    layer = STAGE_LAYERS.get(stage, "protocol")
    meaning = reply_meaning(reply)
    cls = reply.code // 100 if 0 < reply.code < 1000 else 0
    if cls == 4:
        return (layer, f"The server temporarily refused the {stage} step.",
                f"Temporary: retry in a few minutes. Meaning — {meaning}.")
    if cls == 5:
        return (layer, f"The server refused the {stage} step.",
                f"Permanent: retrying unchanged will fail again. Meaning — {meaning}. "
                "The reply text usually names the reason; run with -v for the exchange.")
    return ("protocol", f"The server gave an unexpected reply at the {stage} step.",
            f"Meaning — {meaning}. Check that the port and mode match the server and run "
            "with -v to see the exchange.")


def reply_diagnosis(stage: str, reply: Reply, server: str = "", host: str = "",
                    authenticated: bool = False) -> Diagnosis:
    """Explain a negative reply at a stage, using code, enhanced code, text, provider and
    whether the client had logged in."""
    try:
        rule = match_reply(stage, reply, server, host, authenticated)
        ctx = context(host=host, port=0, mode="", stage=stage, detail="", reply=reply,
                      provider=provider_name(provider_of(server, host)))
        if rule is None:
            layer, summary, advice = _generic_reply(clip(stage, 20) or "this", reply)
        else:
            layer, summary, advice = rule.layer, rule.summary, rule.advice
        return Diagnosis(layer, with_evidence(fill(summary, ctx), [reply_evidence(reply)]),
                         fill(advice, ctx))
    except Exception:  # a diagnosis must never take the probe down
        return _last_resort(stage, reply)


def diagnose(fault: Fault) -> Diagnosis:
    """Explain an engine fault (and the server's reply, when it carries one)."""
    try:
        return _diagnose(fault)
    except Exception:  # a diagnosis must never take the probe down
        return _last_resort(fault.stage, fault.reply)


def _diagnose(fault: Fault) -> Diagnosis:
    rule = match_fault(fault)
    reply = fault.reply
    if reply is not None and (rule is None or rule.reply != "none"):
        reply_rule = match_reply(fault.stage, reply, fault.server, fault.host,
                                 fault.authenticated)
        wanted = rule.reply if rule else "any"
        if reply_rule is not None and (wanted == "any" or reply_rule.specific):
            return _render(fault, reply_rule.layer, reply_rule.summary, reply_rule.advice)
    if rule is not None:
        return _render(fault, rule.layer, rule.summary, rule.advice)
    if reply is not None:
        layer, summary, advice = _generic_reply(clip(fault.stage, 20) or "this", reply)
        return _render(fault, layer, summary, advice)
    layer = STAGE_LAYERS.get(fault.stage, "protocol")
    return _render(fault, layer, f"The {{stage}} step failed ({clip(fault.kind, 40)}).",
                   "Run with -v to see the exchange with the server.")


def _render(fault: Fault, layer: Layer, summary: str, advice: str) -> Diagnosis:
    provider = provider_name(provider_of(fault.server, fault.host))
    ctx = context(host=fault.host, port=fault.port, mode=fault.tls_mode, stage=fault.stage,
                  detail=fault.detail, reply=fault.reply, provider=provider,
                  name=fault.servername)
    evidence = []
    if fault.detail and "{detail}" not in summary:
        evidence.append(ctx["detail"])
    if fault.reply is not None and "{reply}" not in summary:
        evidence.append(ctx["reply"])
    return Diagnosis(layer, with_evidence(fill(summary, ctx), evidence), fill(advice, ctx),
                     kind=fault.kind)


def _last_resort(stage: object, reply: Reply | None) -> Diagnosis:
    """A diagnosis built without the tables; ``repr`` keeps odd input printable."""
    where = repr(stage)[1:-1][:20] if isinstance(stage, str) and stage else "this"
    what = f" ({repr(reply)[:120]})" if reply is not None else ""
    return Diagnosis("protocol", f"The {where} step failed{what}.",
                     "Run with -v to see the exchange with the server.")
