"""A 2-D body model: poses as segment angles, props as rectangles, forward kinematics, mirroring.

Units are body heights (1.0 = standing height); y points up and the floor is y = 0.
Angles are in degrees and give the direction each segment points from its joint:
0 points straight down, 90 points forward (+x), 180 points straight up, -90 points back.
A pose lists only the angles that differ from standing (`STANDING`); the anchored point
(a toe on the floor, the pelvis on a chair, a knee on the mat, a hand on a table) is placed
where the pose says and the rest of the body hangs from it.

A segment can also point out of the picture plane (`Pose.depth`, degrees, + towards the
viewer in the front view, + across to the figure's right in the side view): it is drawn
foreshortened to L·cos(depth) and its 3-D length stays L (`pose_points_3d`). The shoulder
spreads ("shoulder_l", "shoulder_r") take a depth too: a shoulder drawn forward and in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from runback.core.model import Model

__all__ = [
    "ANGLE_NAMES",
    "DEPTH_NAMES",
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
    "pose_points_3d",
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
# Segments that may leave the picture plane: every angle, and each shoulder's spread.
DEPTH_NAMES: tuple[str, ...] = (*ANGLE_NAMES, "shoulder_l", "shoulder_r")
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


class Anchor(Model):
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


class Pose(Model):
    """Segment angles that differ from standing, out-of-plane angles, and the anchored point."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    anchor: Anchor = Field(default_factory=lambda: Anchor(point="toe_l"))
    angles: dict[str, float] = Field(default_factory=dict)
    depth: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known(self) -> Pose:
        unknown = sorted(set(self.angles) - set(ANGLE_NAMES))
        if unknown:
            raise ValueError(f"angles: {', '.join(unknown)} not in {', '.join(ANGLE_NAMES)}")
        unknown = sorted(set(self.depth) - set(DEPTH_NAMES))
        if unknown:
            raise ValueError(f"depth: {', '.join(unknown)} not in {', '.join(DEPTH_NAMES)}")
        bad = sorted(k for k, v in self.depth.items() if not -90.0 < v < 90.0)
        if bad:
            raise ValueError(f"depth: {', '.join(bad)} must be between -90 and 90 degrees")
        return self


class Prop(Model):
    """A table, chair, wall, mat or doorway; x is its near edge, y its lowest point."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: PropKind
    x: float = 0.0
    width: float = 0.3
    height: float = 0.5
    back: Literal["none", "start", "end"] = "none"  # a chair's backrest side


class Figure(Model):
    """An exercise's drawing: a view, key poses in order, props and the side shown first."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    slug: str
    view: View = "side"
    this_side: Literal["l", "r", "none"] = "none"
    note: str = ""  # what the drawing shows that a flat picture cannot, for the text alternative
    props: list[Prop] = Field(default_factory=list)
    poses: list[Pose] = Field(min_length=1)


@dataclass(frozen=True)
class Segment:
    """A drawn body part from a to b; side is "l", "r" or "" for the trunk and head."""

    name: str
    a: tuple[float, float]
    b: tuple[float, float]
    side: str = ""
    full: float | None = None  # the 3-D length, when the segment leaves the picture plane

    @property
    def length(self) -> float:
        """Return the segment's drawn (projected) length."""
        return math.dist(self.a, self.b)

    @property
    def size(self) -> float:
        """Return the segment's true length (a head's diameter stays the same when it turns)."""
        return self.full if self.full is not None else self.length


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


P3 = tuple[float, float, float]


def _step(p: P3, deg: float, length: float, depth: float = 0.0) -> P3:
    r, d = math.radians(deg), math.radians(depth)
    flat = length * math.cos(d)
    return (p[0] + flat * math.sin(r), p[1] - flat * math.cos(r), p[2] + length * math.sin(d))


def _points_from_hip(ang: dict[str, float], dep: dict[str, float], view: View) -> dict[str, P3]:
    L = LENGTHS
    hh, sh = (_HIP_HALF, _SHOULDER_HALF) if view == "front" else (0.0, 0.0)
    pts: dict[str, P3] = {"hip": (0.0, 0.0, 0.0)}

    def step(frm: str, seg: str, length: float) -> P3:
        return _step(pts[frm], ang[seg], length, dep.get(seg, 0.0))

    pts["waist"] = step("hip", "torso_low", L["torso_low"])
    pts["shoulder"] = step("waist", "torso_up", L["torso_up"])
    pts["neck_top"] = step("shoulder", "neck", L["neck"])
    pts["head_top"] = step("neck_top", "head", L["head"])
    # Shoulders and hips spread across the chest line, seen from the front; the figure's left
    # is the viewer's right.
    up = math.radians(ang["torso_up"])
    for side, sign in (("l", 1.0), ("r", -1.0)):
        s = pts["shoulder"]
        d = math.radians(dep.get(f"shoulder_{side}", 0.0))
        pts[f"shoulder_{side}"] = (
            s[0] - sign * sh * math.cos(d) * math.cos(up),
            s[1] - sign * sh * math.cos(d) * math.sin(up),
            s[2] + sh * math.sin(d),
        )
        pts[f"elbow_{side}"] = step(f"shoulder_{side}", f"upper_arm_{side}", L["upper_arm"])
        pts[f"hand_{side}"] = step(f"elbow_{side}", f"forearm_{side}", L["forearm"])
        pts[f"hip_{side}"] = (sign * hh, 0.0, 0.0)
        pts[f"knee_{side}"] = step(f"hip_{side}", f"thigh_{side}", L["thigh"])
        pts[f"ankle_{side}"] = step(f"knee_{side}", f"shin_{side}", L["shin"])
        pts[f"toe_{side}"] = step(f"ankle_{side}", f"foot_{side}", L["foot"])
    return pts


def pose_points_3d(pose: Pose, view: View = "side") -> dict[str, P3]:
    """Return every body point in 3-D (z out of the picture), anchored as the pose says."""
    pts = _points_from_hip(angles_of(pose, view), pose.depth, view)
    ax, ay, _ = pts[pose.anchor.point]
    dx, dy = pose.anchor.x - ax, pose.anchor.y - ay
    return {k: (x + dx, y + dy, z) for k, (x, y, z) in pts.items()}


def pose_points(pose: Pose, view: View = "side") -> dict[str, tuple[float, float]]:
    """Return every named body point of a pose as drawn, the anchored point where it is put."""
    return {k: (x, y) for k, (x, y, _) in pose_points_3d(pose, view).items()}


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


def segments_of(
    pts: dict[str, tuple[float, float]], order: tuple[str, str] = ("r", "l")
) -> list[Segment]:
    """Return the drawn segments through named points: far limbs, trunk, then near limbs."""
    out: list[Segment] = []
    for side in order:
        if side == order[1]:
            out += [
                Segment(n, pts[a], pts[b], full=LENGTHS[n] if n == "head" else None)
                for n, a, b, _ in _SEGMENTS
            ]
        out += [
            Segment(f"{n}_{side}", pts[f"{a}_{side}"], pts[f"{b}_{side}"], side)
            for n, a, b in _LIMBS
        ]
    return out


def pose_segments(pose: Pose, view: View = "side") -> list[Segment]:
    """Return the segments of a pose (forward kinematics), the arm on top drawn last.

    In the side view the figure's left is nearer; in the front view, when the arms cross,
    the arm nearer the viewer (its elbow and hand further out of the picture) is drawn last.
    """
    order: tuple[str, str] = ("r", "l")
    if view == "front":
        p3 = pose_points_3d(pose, view)
        if p3["elbow_r"][2] + p3["hand_r"][2] > p3["elbow_l"][2] + p3["hand_l"][2]:
            order = ("l", "r")
    return segments_of(pose_points(pose, view), order)


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
        # A reflection in the picture's x keeps every distance out of the picture.
        depth={_swap(k): v for k, v in pose.depth.items()},
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
    depth = {
        k: _lerp_angle(p.depth.get(k, 0.0), q.depth.get(k, 0.0), f)
        for k in sorted(set(p.depth) | set(q.depth))
    }
    if p.anchor.point == q.anchor.point:
        anchor = Anchor(
            point=p.anchor.point,
            x=p.anchor.x + (q.anchor.x - p.anchor.x) * f,
            y=p.anchor.y + (q.anchor.y - p.anchor.y) * f,
        )
    else:
        hp, hq = pose_points(p, view)["hip"], pose_points(q, view)["hip"]
        anchor = Anchor(point="hip", x=hp[0] + (hq[0] - hp[0]) * f, y=hp[1] + (hq[1] - hp[1]) * f)
    return Pose(anchor=anchor, angles=angles, depth=depth)
