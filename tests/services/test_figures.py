"""Every shipped exercise has a figure, and every key pose is physically possible."""

from __future__ import annotations

import math

import pytest

from runback.core.figure import (
    LENGTHS,
    Figure,
    mirror,
    pose_points,
    pose_points_3d,
    pose_segments,
    prop_rects,
)
from runback.services.catalog import load_builtin
from runback.services.figures import figure_for, load_figures

NEW_STRENGTH = ("bird-dog", "dead-bug", "side-plank-knees", "clamshell")
FIGURES = load_figures()


def _base(name: str) -> str:
    return name[:-2] if name.endswith(("_l", "_r")) else name


_ENDS = {
    "torso_low": ("hip", "waist"),
    "torso_up": ("waist", "shoulder"),
    "neck": ("shoulder", "neck_top"),
    "head": ("neck_top", "head_top"),
    "upper_arm": ("shoulder", "elbow"),
    "forearm": ("elbow", "hand"),
    "thigh": ("hip", "knee"),
    "shin": ("knee", "ankle"),
    "foot": ("ankle", "toe"),
}


def _ends(name: str) -> tuple[str, str]:
    a, b = _ENDS[_base(name)]
    if name != _base(name):
        a, b = f"{a}{name[-2:]}", f"{b}{name[-2:]}"
    return a, b


def _angle_from_horizontal(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.degrees(math.atan2(abs(b[1] - a[1]), abs(b[0] - a[0])))


def test_every_catalog_exercise_and_the_new_strengthening_have_a_figure() -> None:
    slugs = set(load_builtin().exercises) | set(NEW_STRENGTH)
    missing = sorted(s for s in slugs if figure_for(s) is None)
    assert missing == []


def test_figure_for_an_unknown_slug_is_none() -> None:
    assert figure_for("no-such-exercise") is None


@pytest.mark.parametrize("slug", sorted(FIGURES))
@pytest.mark.parametrize("flip", [False, True], ids=["this-side", "other-side"])
def test_every_pose_has_fixed_lengths_and_stays_out_of_the_floor_and_props(
    slug: str, flip: bool
) -> None:
    fig = FIGURES[slug]
    rects = [r for p in fig.props for r in prop_rects(p)]
    for i, key in enumerate(fig.poses):
        pose = mirror(key, fig.view) if flip else key
        p3 = pose_points_3d(pose, fig.view)
        for seg in pose_segments(pose, fig.view):
            a, b = _ends(seg.name)
            # the 3-D length: a segment turned out of the picture is drawn shorter, never longer
            assert math.dist(p3[a], p3[b]) == pytest.approx(LENGTHS[_base(seg.name)]), (i, a, b)
            assert seg.length <= LENGTHS[_base(seg.name)] + 1e-9
        for name, p in pose_points(pose, fig.view).items():
            assert p[1] >= -0.005, f"pose {i}: {name} is below the floor at y={p[1]:.3f}"
            if flip:
                continue
            for r in rects:
                assert not r.contains(p), f"pose {i}: {name} {p} is inside the {r.kind}"


def _table_top(fig: Figure) -> tuple[float, float, float]:
    (table,) = [p for p in fig.props if p.kind == "table"]
    return table.x, table.x + table.width, table.height


def _knee_angle(p: dict[str, tuple[float, float, float]], side: str) -> float:
    """Return the inner angle at the knee in 3-D (180 = straight)."""
    h, k, a = p[f"hip_{side}"], p[f"knee_{side}"], p[f"ankle_{side}"]
    u = [h[i] - k[i] for i in range(3)]
    v = [a[i] - k[i] for i in range(3)]
    cos = sum(x * y for x, y in zip(u, v, strict=True)) / (math.hypot(*u) * math.hypot(*v))
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def test_hip_table_stretch_leg_on_a_hip_high_table_shin_across_at_45_hands_on_top() -> None:
    fig = FIGURES["hip-table-stretch"]
    x0, x1, top = _table_top(fig)
    assert fig.this_side == "l" and "45°" in fig.note
    for flip in (False, True):
        for key in fig.poses:
            pose = mirror(key, fig.view) if flip else key
            up, down = ("r", "l") if flip else ("l", "r")
            lo, hi = (-x1, -x0) if flip else (x0, x1)
            pts = pose_points(pose, fig.view)
            p3 = pose_points_3d(pose, fig.view)
            # the table top is at the standing hip, with the standing foot on the floor
            assert min(pts[f"toe_{down}"][1], pts[f"ankle_{down}"][1]) < 0.03
            assert top == pytest.approx(pts[f"hip_{down}"][1], abs=0.02)
            assert _knee_angle(p3, down) == pytest.approx(180.0, abs=5.0)  # standing leg straight
            # the raised knee and ankle rest on the table top: on it, not in it or above it
            for joint in (f"knee_{up}", f"ankle_{up}"):
                x, y = pts[joint]
                assert lo < x < hi, joint
                assert 0.0 <= y - top <= 0.02, (joint, y, top)
            # the shin lies across the table top at 45° to the picture (out of the side view)
            k, a = p3[f"knee_{up}"], p3[f"ankle_{up}"]
            across = math.degrees(
                math.atan2(abs(a[2] - k[2]), math.hypot(a[0] - k[0], a[1] - k[1]))
            )
            assert across == pytest.approx(45.0, abs=5.0)
            assert abs(a[1] - k[1]) < 0.005  # flat on the top
            for hand in ("hand_l", "hand_r"):
                assert 0.0 <= pts[hand][1] - top <= 0.02, hand
                assert lo < pts[hand][0] < hi
            lean = _angle_from_horizontal(pts["hip"], pts["shoulder"])
            assert lean < 70.0  # folded forward from the hips
    leans = [
        _angle_from_horizontal(*(lambda p: (p["hip"], p["shoulder"]))(pose_points(k)))
        for k in fig.poses
    ]
    assert leans[-1] < leans[0]


def test_seated_upper_back_stretch_from_the_front_each_elbow_outside_the_opposite_knee() -> None:
    fig = FIGURES["seated-upper-back-stretch"]
    assert fig.view == "front"
    (chair,) = [p for p in fig.props if p.kind == "chair"]
    for flip in (False, True):
        for key in fig.poses:
            pose = mirror(key, fig.view) if flip else key
            pts = pose_points(pose, fig.view)
            for side in "lr":
                assert pts[f"hip_{side}"][1] == pytest.approx(chair.height, abs=0.01)  # on the seat
                assert -chair.x - chair.width < pts[f"hip_{side}"][0] < chair.x + chair.width
                assert min(pts[f"toe_{side}"][1], pts[f"ankle_{side}"][1]) < 0.03  # feet flat
                assert pts[f"toe_{side}"][1] >= -0.005
            # knees about hip-width
            width = abs(pts["knee_l"][0] - pts["knee_r"][0])
            assert 0.09 <= width <= 0.16
            for elbow, knee in (("elbow_l", "knee_r"), ("elbow_r", "knee_l")):
                ex, kx = pts[elbow][0], pts[knee][0]
                assert abs(ex) > abs(kx) and ex * kx > 0, (elbow, knee)  # outside, same side
                assert math.dist(pts[elbow], pts[knee]) < 0.05, (elbow, knee)
            # the top arm is drawn last: the right arm first, the left arm on the other side
            top = "l" if flip else "r"
            order = [s.name for s in pose_segments(pose, fig.view)]
            assert order[-5:][0] == f"upper_arm_{top}"
            p3 = pose_points_3d(pose, fig.view)
            assert p3["shoulder"][2] > 0.25  # leaning deep forward, towards the viewer
    # the knees press apart in the second pose
    k0, k1 = (pose_points(p, fig.view) for p in fig.poses)
    assert k1["knee_l"][0] - k1["knee_r"][0] > k0["knee_l"][0] - k0["knee_r"][0]


def test_roll_down_curls_down_vertebra_by_vertebra_and_back_up() -> None:
    fig = FIGURES["roll-down"]
    assert len(fig.poses) >= 7
    assert fig.poses[0] == fig.poses[-1]
    pts = [pose_points(p, fig.view) for p in fig.poses]
    heads = [p["head_top"][1] for p in pts]
    low = heads.index(min(heads))
    assert 0 < low < len(heads) - 1
    assert heads[: low + 1] == sorted(heads[: low + 1], reverse=True)  # down...
    assert heads[low:] == sorted(heads[low:])  # ...and back up
    assert pts[0]["head_top"][1] == pytest.approx(1.0, abs=0.03)  # standing tall first
    chin = fig.poses[1].angles
    assert chin["neck"] < 180.0 and "torso_low" not in chin  # chin to chest before the back
    # the upper back curls before the lower back
    assert "torso_up" in fig.poses[2].angles and "torso_low" not in fig.poses[2].angles
    for p in pts:
        for side in "lr":
            assert p[f"hip_{side}"][0] == pytest.approx(p[f"ankle_{side}"][0])  # legs straight
