"""A 2-D body model: poses as segment angles, props as rectangles, forward kinematics, mirroring.

Units are body heights (1.0 = standing height); y points up and the floor is y = 0.
Angles are in degrees and give the direction each segment points from its joint:
0 points straight down, 90 points forward (+x), 180 points straight up, -90 points back.
A pose lists only the angles that differ from standing (`STANDING`); the anchored point
(a toe on the floor, the pelvis on a chair, a knee on the mat, a hand on a table) is placed
where the pose says and the rest of the body hangs from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "ANGLE_NAMES",
    "LENGTHS",
    "POINT_NAMES",
    "STANDING",
    "Anchor",
    "Figure",
    "Pose",
    "Prop",
    "Rect",
    "Segment",
    "View",
    "angles_of",
    "mirror",
    "mirror_props",
    "pose_at",
    "pose_points",
    "pose_segments",
    "prop_rects",
    "segments_of",
]

View = Literal["side", "front"]
PropKind = Literal["table", "chair", "wall", "mat", "doorway"]

# Segment lengths in body heights; the head is its diameter.
LENGTHS: dict[str, float] = {
    "torso_low": 0.15,
    "torso_up": 0.17,
    "neck": 0.05,
    "head": 0.13,
    "upper_arm": 0.17,
    "forearm": 0.16,
    "thigh": 0.245,
    "shin": 0.245,
    "foot": 0.1,
}
_HIP_HALF = 0.05  # half the hip width, seen from the front
_SHOULDER_HALF = 0.09
ANGLE_NAMES: tuple[str, ...] = (
    "torso_low",
    "torso_up",
    "neck",
    "head",
    "upper_arm_l",
    "forearm_l",
    "upper_arm_r",
    "forearm_r",
    "thigh_l",
    "shin_l",
    "foot_l",
    "thigh_r",
    "shin_r",
    "foot_r",
)
POINT_NAMES: tuple[str, ...] = (
    "hip",
    "waist",
    "shoulder",
    "neck_top",
    "head_top",
    "shoulder_l",
    "elbow_l",
    "hand_l",
    "shoulder_r",
    "elbow_r",
    "hand_r",
    "hip_l",
    "knee_l",
    "ankle_l",
    "toe_l",
    "hip_r",
    "knee_r",
    "ankle_r",
    "toe_r",
)
# Standing tall, arms by the sides; the toe is on the floor when the ankle is 0.026 up.
STANDING: dict[str, float] = {
    "torso_low": 180.0,
    "torso_up": 180.0,
    "neck": 180.0,
    "head": 180.0,
    "upper_arm_l": 0.0,
    "forearm_l": 0.0,
    "upper_arm_r": 0.0,
    "forearm_r": 0.0,
    "thigh_l": 0.0,
    "shin_l": 0.0,
    "foot_l": 75.0,
    "thigh_r": 0.0,
    "shin_r": 0.0,
    "foot_r": 75.0,
}
_FRONT_STANDING = {**STANDING, "foot_l": 75.0, "foot_r": -75.0}


class Anchor(BaseModel):
    """Which body point is fixed in the picture, and where."""

    model_config = ConfigDict(extra="forbid")
    point: str
    x: float = 0.0
    y: float = 0.0

    @model_validator(mode="after")
    def _known(self) -> Anchor:
        if self.point not in POINT_NAMES:
            raise ValueError(f"anchor.point: {self.point!r} is not one of {', '.join(POINT_NAMES)}")
        return self


class Pose(BaseModel):
    """Segment angles that differ from standing, and the anchored point."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    anchor: Anchor = Field(default_factory=lambda: Anchor(point="toe_l"))
    angles: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known(self) -> Pose:
        unknown = sorted(set(self.angles) - set(ANGLE_NAMES))
        if unknown:
            raise ValueError(f"angles: {', '.join(unknown)} not in {', '.join(ANGLE_NAMES)}")
        return self


class Prop(BaseModel):
    """A table, chair, wall, mat or doorway; x is its near edge, y its lowest point."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: PropKind
    x: float = 0.0
    width: float = 0.3
    height: float = 0.5
    back: Literal["none", "start", "end"] = "none"  # a chair's backrest side


class Figure(BaseModel):
    """An exercise's drawing: a view, key poses in order, props and the side shown first."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    slug: str
    view: View = "side"
    this_side: Literal["l", "r", "none"] = "none"
    props: list[Prop] = Field(default_factory=list)
    poses: list[Pose] = Field(min_length=1)


@dataclass(frozen=True)
class Segment:
    """A drawn body part from a to b; side is "l", "r" or "" for the trunk and head."""

    name: str
    a: tuple[float, float]
    b: tuple[float, float]
    side: str = ""

    @property
    def length(self) -> float:
        """Return the segment's length."""
        return math.dist(self.a, self.b)


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle of a prop, from its lower-left corner."""

    kind: str
    x: float
    y: float
    w: float
    h: float

    def contains(self, p: tuple[float, float], margin: float = 0.005) -> bool:
        """Return whether p lies strictly inside, more than margin from every edge."""
        return (
            self.x + margin < p[0] < self.x + self.w - margin
            and self.y + margin < p[1] < self.y + self.h - margin
        )


def angles_of(pose: Pose, view: View = "side") -> dict[str, float]:
    """Return every segment angle of a pose, standing values filled in."""
    return {**(_FRONT_STANDING if view == "front" else STANDING), **pose.angles}


def _step(p: tuple[float, float], deg: float, length: float) -> tuple[float, float]:
    r = math.radians(deg)
    return (p[0] + length * math.sin(r), p[1] - length * math.cos(r))


def _points_from_hip(ang: dict[str, float], view: View) -> dict[str, tuple[float, float]]:
    L = LENGTHS
    hh, sh = (_HIP_HALF, _SHOULDER_HALF) if view == "front" else (0.0, 0.0)
    pts: dict[str, tuple[float, float]] = {"hip": (0.0, 0.0)}
    pts["waist"] = _step(pts["hip"], ang["torso_low"], L["torso_low"])
    pts["shoulder"] = _step(pts["waist"], ang["torso_up"], L["torso_up"])
    pts["neck_top"] = _step(pts["shoulder"], ang["neck"], L["neck"])
    pts["head_top"] = _step(pts["neck_top"], ang["head"], L["head"])
    # Shoulders and hips spread across the chest line, seen from the front; the figure's left
    # is the viewer's right.
    up = math.radians(ang["torso_up"])
    for side, sign in (("l", 1.0), ("r", -1.0)):
        s = pts["shoulder"]
        pts[f"shoulder_{side}"] = (
            s[0] - sign * sh * math.cos(up),
            s[1] - sign * sh * math.sin(up),
        )
        pts[f"elbow_{side}"] = _step(
            pts[f"shoulder_{side}"], ang[f"upper_arm_{side}"], L["upper_arm"]
        )
        pts[f"hand_{side}"] = _step(pts[f"elbow_{side}"], ang[f"forearm_{side}"], L["forearm"])
        pts[f"hip_{side}"] = (sign * hh, 0.0)
        pts[f"knee_{side}"] = _step(pts[f"hip_{side}"], ang[f"thigh_{side}"], L["thigh"])
        pts[f"ankle_{side}"] = _step(pts[f"knee_{side}"], ang[f"shin_{side}"], L["shin"])
        pts[f"toe_{side}"] = _step(pts[f"ankle_{side}"], ang[f"foot_{side}"], L["foot"])
    return pts


def _shifted(
    pts: dict[str, tuple[float, float]], dx: float, dy: float
) -> dict[str, tuple[float, float]]:
    return {k: (x + dx, y + dy) for k, (x, y) in pts.items()}


def pose_points(pose: Pose, view: View = "side") -> dict[str, tuple[float, float]]:
    """Return every named body point of a pose, the anchored point where the pose puts it."""
    pts = _points_from_hip(angles_of(pose, view), view)
    ax, ay = pts[pose.anchor.point]
    return _shifted(pts, pose.anchor.x - ax, pose.anchor.y - ay)


_SEGMENTS: tuple[tuple[str, str, str, str], ...] = (
    ("torso_low", "hip", "waist", ""),
    ("torso_up", "waist", "shoulder", ""),
    ("neck", "shoulder", "neck_top", ""),
    ("head", "neck_top", "head_top", ""),
)
_LIMBS: tuple[tuple[str, str, str], ...] = (
    ("upper_arm", "shoulder", "elbow"),
    ("forearm", "elbow", "hand"),
    ("thigh", "hip", "knee"),
    ("shin", "knee", "ankle"),
    ("foot", "ankle", "toe"),
)


def segments_of(pts: dict[str, tuple[float, float]]) -> list[Segment]:
    """Return the drawn segments through named points: far limbs, trunk, then near limbs."""
    out: list[Segment] = []
    for side in ("r", "l"):
        if side == "l":
            out += [Segment(n, pts[a], pts[b]) for n, a, b, _ in _SEGMENTS]
        out += [
            Segment(f"{n}_{side}", pts[f"{a}_{side}"], pts[f"{b}_{side}"], side)
            for n, a, b in _LIMBS
        ]
    return out


def pose_segments(pose: Pose, view: View = "side") -> list[Segment]:
    """Return the segments of a pose (forward kinematics)."""
    return segments_of(pose_points(pose, view))


def prop_rects(prop: Prop) -> list[Rect]:
    """Return the rectangles that draw a prop."""
    x, w, h = prop.x, prop.width, prop.height
    if prop.kind == "table":
        return [
            Rect("table", x, h - 0.03, w, 0.03),
            Rect("table", x + 0.01, 0.0, 0.025, h - 0.03),
            Rect("table", x + w - 0.035, 0.0, 0.025, h - 0.03),
        ]
    if prop.kind == "chair":
        rects = [
            Rect("chair", x, h - 0.03, w, 0.03),
            Rect("chair", x + 0.01, 0.0, 0.02, h - 0.03),
            Rect("chair", x + w - 0.03, 0.0, 0.02, h - 0.03),
        ]
        if prop.back != "none":
            bx = x if prop.back == "start" else x + w - 0.025
            rects.append(Rect("chair", bx, h, 0.025, 0.25))
        return rects
    if prop.kind == "wall":
        return [Rect("wall", x, 0.0, w, h)]
    if prop.kind == "mat":
        return [Rect("mat", x, -0.015, w, 0.015)]
    # A doorway: two frame posts and a lintel, open between them.
    return [
        Rect("doorway", x, 0.0, 0.04, h),
        Rect("doorway", x + w - 0.04, 0.0, 0.04, h),
        Rect("doorway", x, h - 0.04, w, 0.04),
    ]


def _swap(name: str) -> str:
    if name.endswith("_l"):
        return name[:-2] + "_r"
    if name.endswith("_r"):
        return name[:-2] + "_l"
    return name


def mirror(pose: Pose, view: View = "side") -> Pose:
    """Return the pose for the other side: reflected in x = 0, left and right swapped."""
    return Pose(
        anchor=Anchor(point=_swap(pose.anchor.point), x=-pose.anchor.x, y=pose.anchor.y),
        angles={_swap(k): -v for k, v in angles_of(pose, view).items()},
    )


def mirror_props(props: list[Prop]) -> list[Prop]:
    """Return props reflected in x = 0."""
    flip = {"none": "none", "start": "end", "end": "start"}
    return [p.model_copy(update={"x": -(p.x + p.width), "back": flip[p.back]}) for p in props]


def _lerp_angle(a: float, b: float, f: float) -> float:
    return a + (b - a) * f


def pose_at(key_poses: list[Pose], t: float, view: View = "side") -> Pose:
    """Return the pose a fraction t (0..1) of the way through the key poses, evenly spaced."""
    if len(key_poses) == 1:
        return key_poses[0]
    t = min(1.0, max(0.0, t))
    span = t * (len(key_poses) - 1)
    i = min(int(span), len(key_poses) - 2)
    f = span - i
    p, q = key_poses[i], key_poses[i + 1]
    ap, aq = angles_of(p, view), angles_of(q, view)
    angles = {k: _lerp_angle(ap[k], aq[k], f) for k in ANGLE_NAMES}
    if p.anchor.point == q.anchor.point:
        anchor = Anchor(
            point=p.anchor.point,
            x=p.anchor.x + (q.anchor.x - p.anchor.x) * f,
            y=p.anchor.y + (q.anchor.y - p.anchor.y) * f,
        )
    else:
        hp, hq = pose_points(p, view)["hip"], pose_points(q, view)["hip"]
        anchor = Anchor(point="hip", x=hp[0] + (hq[0] - hp[0]) * f, y=hp[1] + (hq[1] - hp[1]) * f)
    return Pose(anchor=anchor, angles=angles)
