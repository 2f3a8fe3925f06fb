"""The word lists behind the plain-language checks: jargon with plainer words, vague
link texts, generic image descriptions, and abbreviations that do not end a sentence."""

from __future__ import annotations

# Words that make readers stop, and what to write instead. Sources: the US Federal
# Plain Language Guidelines' word list and GOV.UK's "words to avoid".
DEFAULT_JARGON: dict[str, str] = {
    "utilize": "use",
    "utilization": "use",
    "leverage": "use",
    "facilitate": "help, or make easier",
    "commence": "start",
    "endeavor": "try",
    "ascertain": "find out",
    "approximately": "about",
    "prior to": "before",
    "in order to": "to",
    "in the event that": "if",
    "in accordance with": "under, or following",
    "with regard to": "about",
    "at this point in time": "now",
    "going forward": "from now on",
    "commensurate with": "matching",
    "synergy": "working together",
    "best-in-class": "excellent, or the best",
    "best of breed": "the best",
    "robust": "strong",
    "seamless": "smooth",
    "seamlessly": "smoothly",
    "holistic": "whole, or complete",
    "paradigm": "model, or way of working",
    "empower": "let, or help",
    "incentivize": "encourage",
    "operationalize": "put into practice",
    "remediate": "fix",
    "remediation": "fixing",
    "actionable": "practical, or that you can act on",
    "deliverables": "results, or what you get",
    "stakeholders": "the people involved (name them)",
    "going live": "starting",
    "heretofore": "until now",
    "aforementioned": "this, or that",
    "henceforth": "from now on",
    "whereby": "by which, or so that",
}


VAGUE_LINK_TEXT = {
    "click here",
    "here",
    "click",
    "read more",
    "more",
    "learn more",
    "this link",
    "link",
    "this page",
    "this",
    "more info",
    "more information",
    "go",
    "details",
    "see here",
    "find out more",
}


GENERIC_ALT = {
    "image",
    "picture",
    "photo",
    "photograph",
    "screenshot",
    "graphic",
    "icon",
    "img",
    "figure",
    "diagram",
}


ABBREVIATIONS = {
    "e.g.",
    "i.e.",
    "a.m.",
    "p.m.",
    "etc.",
    "mr.",
    "mrs.",
    "ms.",
    "dr.",
    "st.",
    "no.",
    "u.s.",
    "vs.",
    "approx.",
    "inc.",
    "jr.",
    "sr.",
}
