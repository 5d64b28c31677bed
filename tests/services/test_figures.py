"""Every shipped exercise has a figure, and every key pose is physically possible."""

from __future__ import annotations

import math

import pytest

from runback.core.figure import LENGTHS, Figure, mirror, pose_points, pose_segments, prop_rects
from runback.services.catalog import load_builtin
from runback.services.figures import figure_for, load_figures

NEW_STRENGTH = ("bird-dog", "dead-bug", "side-plank-knees", "clamshell")
FIGURES = load_figures()


def _base(name: str) -> str:
    return name[:-2] if name.endswith(("_l", "_r")) else name


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
        for seg in pose_segments(pose, fig.view):
            assert seg.length == pytest.approx(LENGTHS[_base(seg.name)]), (i, seg.name)
        for name, p in pose_points(pose, fig.view).items():
            assert p[1] >= -0.005, f"pose {i}: {name} is below the floor at y={p[1]:.3f}"
            if flip:
                continue
            for r in rects:
                assert not r.contains(p), f"pose {i}: {name} {p} is inside the {r.kind}"


def _table_top(fig: Figure) -> tuple[float, float, float]:
    (table,) = [p for p in fig.props if p.kind == "table"]
    return table.x, table.x + table.width, table.height


def test_hip_table_stretch_knee_at_45_on_the_table_standing_leg_straight_hands_on_top() -> None:
    fig = FIGURES["hip-table-stretch"]
    x0, x1, top = _table_top(fig)
    assert fig.this_side == "l"
    for pose in fig.poses:
        pts = pose_points(pose, fig.view)
        thigh = _angle_from_horizontal(pts["hip_l"], pts["knee_l"])
        assert thigh == pytest.approx(45.0, abs=5.0)
        assert pts["knee_l"][1] == pytest.approx(top, abs=0.01)
        assert pts["ankle_l"][1] == pytest.approx(top, abs=0.01)  # the shin lies on the table
        # standing leg straight and upright, foot on the floor
        assert (
            pts["hip_r"][0] == pytest.approx(pts["knee_r"][0]) == pytest.approx(pts["ankle_r"][0])
        )
        assert min(pts["toe_r"][1], pts["ankle_r"][1]) < 0.03
        for hand in ("hand_l", "hand_r"):
            assert pts[hand][1] == pytest.approx(top, abs=0.01)
            assert x0 < pts[hand][0] < x1
        lean = _angle_from_horizontal(pts["hip"], pts["shoulder"])
        assert lean < 70.0  # folded forward from the hips
        assert pts["shoulder"][0] > pts["hip"][0]
    assert _angle_from_horizontal(
        *(lambda p: (p["hip"], p["shoulder"]))(pose_points(fig.poses[-1]))
    ) < _angle_from_horizontal(*(lambda p: (p["hip"], p["shoulder"]))(pose_points(fig.poses[0])))


def test_seated_upper_back_stretch_seated_leaning_elbows_at_the_opposite_knees() -> None:
    fig = FIGURES["seated-upper-back-stretch"]
    (chair,) = [p for p in fig.props if p.kind == "chair"]
    for pose in fig.poses:
        pts = pose_points(pose, fig.view)
        assert pts["hip"][1] == pytest.approx(chair.height, abs=0.01)  # pelvis on the seat
        assert chair.x < pts["hip"][0] < chair.x + chair.width
        for side in "lr":
            assert pts[f"ankle_{side}"][0] == pytest.approx(pts[f"knee_{side}"][0])  # shins upright
            assert min(pts[f"toe_{side}"][1], pts[f"ankle_{side}"][1]) < 0.03  # feet flat
        for elbow, knee in (("elbow_l", "knee_r"), ("elbow_r", "knee_l")):
            assert math.dist(pts[elbow], pts[knee]) < 0.05, (elbow, knee)
            assert pts[elbow][1] >= pts[knee][1]  # resting on the knee, not under it
        assert pts["shoulder"][0] - pts["hip"][0] > 0.1  # leaning forward


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
