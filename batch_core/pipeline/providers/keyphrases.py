"""The offline keyphrase library: topic name -> the words that signal it in a meeting."""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache

from batch_core.models import KeyTopic, Turn

# Stems are matched at word starts, so "hir" covers hire/hiring/hired. Kept broad but specific:
# a stem that fires on ordinary talk ("plan", "work") would make every meeting look the same.
TOPIC_LIBRARY: dict[str, tuple[str, ...]] = {
    "budget and costs": ("budget", "cost", "spend", "pricing", "price", "invoice", "expense", "forecast",
                         "revenue", "margin", "funding", "procurement"),
    "hiring and staffing": ("hir", "recruit", "candidate", "interview", "headcount", "onboarding",
                            "job offer", "contractor", "staffing"),
    "product roadmap": ("roadmap", "feature", "backlog", "prioriti", "milestone", "mvp", "requirement"),
    "release and launch": ("launch", "release", "go-live", "rollout", "ship", "beta", "deploy"),
    "customers and sales": ("customer", "client", "sales", "deal", "pipeline", "churn", "renewal",
                            "account", "prospect", "demo"),
    "marketing": ("marketing", "campaign", "brand", "newsletter", "webinar", "social media", "seo",
                  "landing page", "press release"),
    "engineering and infrastructure": ("server", "database", "migration", "infrastructure", "api",
                                       "latency", "outage", "incident", "kubernetes", "cloud", "backup",
                                       "monitoring", "bug", "refactor"),
    "security and privacy": ("security", "privacy", "gdpr", "breach", "password", "access control",
                             "encryption", "audit", "compliance", "vulnerabilit", "phishing"),
    "testing and quality": ("test", "qa", "quality", "regression", "bug bash"),
    "design and user experience": ("design", "ux", "user research", "usability", "mockup", "wireframe",
                                   "prototype", "accessibility"),
    "schedule and deadlines": ("deadline", "timeline", "schedule", "delay", "slip", "due date"),
    "vendors and contracts": ("vendor", "contract", "supplier", "licen", "agreement", "negotiat", "sla"),
    "legal": ("legal", "lawyer", "counsel", "liabilit", "dispute", "lawsuit"),
    "health and wellbeing": ("health", "medical", "sick leave", "diagnos", "therapy", "burnout", "stress",
                             "wellbeing", "doctor", "treatment"),
    "performance and feedback": ("performance review", "feedback", "promotion", "underperform",
                                 "improvement plan", "career", "raise", "salary", "compensation"),
    "payroll and benefits": ("payroll", "benefit", "pension", "reimburse", "bank account", "payslip",
                             "bonus", "insurance"),
    "data and analytics": ("dashboard", "metric", "analytics", "kpi", "report", "data quality"),
    "training and documentation": ("training", "documentation", "workshop", "handbook", "wiki", "guide"),
    "events and logistics": ("venue", "catering", "travel", "booking", "offsite", "conference", "agenda"),
    "support and operations": ("support ticket", "ticket", "escalation", "on-call", "helpdesk", "sla",
                               "operations", "inventory", "warehouse", "shipping", "supply"),
}

# Redaction placeholders and speaker labels are not topics.
_PLACEHOLDER = re.compile(r"<[A-Z_]+>|SPEAKER_\d+")


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    return {
        topic: re.compile(r"\b(?:" + "|".join(re.escape(stem) for stem in stems) + r")", re.IGNORECASE)
        for topic, stems in TOPIC_LIBRARY.items()
    }


def topic_of(text: str) -> str | None:
    """The library topic mentioned most in one passage, or None."""
    counts = {topic: len(p.findall(text)) for topic, p in _patterns().items()}
    best = max(counts, key=counts.get)
    return best if counts[best] else None


def extract_topics(turns: list[Turn], limit: int = 6) -> list[KeyTopic]:
    """Library topics ranked by mentions; importance is relative to the most-mentioned topic."""
    mentions: Counter[str] = Counter()
    speakers: dict[str, list[str]] = defaultdict(list)
    for turn in turns:
        text = _PLACEHOLDER.sub(" ", turn.text)
        for topic, pattern in _patterns().items():
            hits = len(pattern.findall(text))
            if hits:
                mentions[topic] += hits
                if turn.speaker and turn.speaker not in speakers[topic]:
                    speakers[topic].append(turn.speaker)
    ranked = [(t, n) for t, n in mentions.most_common() if n >= 2][:limit]
    if not ranked:
        return []
    top = ranked[0][1]
    return [KeyTopic(name=topic, importance=round(count / top, 2), related_speakers=speakers[topic])
            for topic, count in ranked]
