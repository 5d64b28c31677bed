"""The body model: fixed segment lengths, anchoring, mirroring and interpolation."""

from __future__ import annotations

import math

import pytest

from runback.core.figure import (
    LENGTHS,
    Anchor,
    Pose,
    Prop,
    mirror,
    mirror_props,
    pose_at,
    pose_points,
    pose_segments,
    prop_rects,
)


def _base(name: str) -> str:
    return name[:-2] if name.endswith(("_l", "_r")) else name


@pytest.mark.parametrize("view", ["side", "front"])
def test_standing_stands_on_the_floor_with_fixed_lengths(view: str) -> None:
    pose = Pose(anchor=Anchor(point="ankle_r", y=0.026))
    pts = pose_points(pose, view)  # type: ignore[arg-type]
    assert min(y for _, y in pts.values()) == pytest.approx(0.0, abs=1e-3)
    assert pts["head_top"][1] == pytest.approx(1.0, abs=0.02)
    for seg in pose_segments(pose, view):  # type: ignore[arg-type]
        assert seg.length == pytest.approx(LENGTHS[_base(seg.name)])


def test_the_anchored_point_is_where_the_pose_puts_it() -> None:
    pose = Pose(anchor=Anchor(point="hand_l", x=0.3, y=0.5), angles={"torso_low": 120.0})
    assert pose_points(pose)["hand_l"] == pytest.approx((0.3, 0.5))


@pytest.mark.parametrize("view", ["side", "front"])
def test_mirror_is_the_reflection_with_sides_swapped(view: str) -> None:
    pose = Pose(
        anchor=Anchor(point="toe_l", x=0.2),
        angles={"thigh_l": 45.0, "shin_l": 90.0, "torso_low": 120.0, "upper_arm_r": 30.0},
    )
    a = pose_points(pose, view)  # type: ignore[arg-type]
    b = pose_points(mirror(pose, view), view)  # type: ignore[arg-type]
    swap = {"_l": "_r", "_r": "_l"}
    for name, (x, y) in a.items():
        other = name[:-2] + swap[name[-2:]] if name[-2:] in swap else name
        assert b[other] == pytest.approx((-x, y))
    back = pose_points(mirror(mirror(pose, view), view), view)  # type: ignore[arg-type]
    assert all(back[k] == pytest.approx(v) for k, v in a.items())


def test_mirrored_props_are_reflected() -> None:
    props = [Prop(kind="chair", x=0.1, width=0.3, back="start")]
    (flipped,) = mirror_props(props)
    assert flipped.x == pytest.approx(-0.4)
    assert flipped.back == "end"
    xs = sorted(round(-(r.x + r.w), 6) for r in prop_rects(props[0]))
    assert xs == sorted(round(r.x, 6) for r in prop_rects(flipped))


def test_pose_at_runs_from_first_to_last_key_pose() -> None:
    start = Pose(anchor=Anchor(point="ankle_r", y=0.026))
    end = Pose(anchor=Anchor(point="ankle_r", y=0.026), angles={"torso_low": 120.0})
    assert pose_at([start, end], 0.0).angles["torso_low"] == 180.0
    assert pose_at([start, end], 1.0).angles["torso_low"] == 120.0
    assert pose_at([start, end], 0.5).angles["torso_low"] == 150.0
    mid = pose_at([start, end, start], 0.25)
    assert mid.angles["torso_low"] == 150.0
    for seg in pose_segments(mid):
        assert seg.length == pytest.approx(LENGTHS[_base(seg.name)])
    assert pose_points(mid)["ankle_r"] == pytest.approx((0.0, 0.026))


def test_an_unknown_angle_or_point_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="thigh_x"):
        Pose(angles={"thigh_x": 1.0})
    with pytest.raises(ValueError, match="elbow"):
        Anchor(point="elbow")


def test_thigh_direction_follows_the_angle_convention() -> None:
    pts = pose_points(Pose(anchor=Anchor(point="hip", y=0.5), angles={"thigh_l": 90.0}))
    knee = pts["knee_l"]
    assert math.isclose(knee[1], 0.5, abs_tol=1e-9) and knee[0] > 0


def test_a_segment_out_of_the_picture_is_drawn_short_and_keeps_its_3d_length() -> None:
    from runback.core.figure import pose_points_3d

    pose = Pose(
        anchor=Anchor(point="hip", y=0.5),
        angles={"thigh_l": 90.0, "shin_l": 90.0},
        depth={"shin_l": 45.0, "shoulder_l": 30.0},
    )
    p3 = pose_points_3d(pose)
    assert math.dist(p3["knee_l"], p3["ankle_l"]) == pytest.approx(LENGTHS["shin"])
    shin = next(s for s in pose_segments(pose) if s.name == "shin_l")
    assert shin.length == pytest.approx(LENGTHS["shin"] * math.cos(math.radians(45.0)))
    assert p3["ankle_l"][2] - p3["knee_l"][2] == pytest.approx(
        LENGTHS["shin"] * math.sin(math.radians(45))
    )
    # the mirror reflects the drawing and keeps the depths
    a, b = pose_points(pose), pose_points(mirror(pose))
    for name, (x, y) in a.items():
        other = (
            name[:-2] + {"_l": "_r", "_r": "_l"}[name[-2:]] if name[-2:] in ("_l", "_r") else name
        )
        assert b[other] == pytest.approx((-x, y))
    # interpolation carries the depth along
    flat = Pose(anchor=Anchor(point="hip", y=0.5), angles={"thigh_l": 90.0, "shin_l": 90.0})
    assert pose_at([flat, pose], 0.5).depth["shin_l"] == pytest.approx(22.5)


def test_an_unknown_or_impossible_depth_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="shin_x"):
        Pose(depth={"shin_x": 10.0})
    with pytest.raises(ValueError, match="between -90 and 90"):
        Pose(depth={"shin_l": 90.0})
