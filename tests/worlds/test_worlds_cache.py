"""On-disk world cache: a loaded world equals the built one (scene arrays and rendered bytes), the
key follows every build argument, and a damaged or unwritable cache falls back to building."""

import numpy as np
import pytest

from gameir.render import Renderer
from gameir.worlds import build_world, make_path
from gameir.worlds import cache as world_cache


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    folder = tmp_path / "worlds"
    monkeypatch.setenv(world_cache.CACHE_ENV, str(folder))
    return folder


def _fingerprint(world) -> list:
    out = []
    for inst in world.scene.instances:
        m = inst.transform_at(0.7)
        out.append((inst.name, inst.semantic, inst.instance_id, inst.mesh.name, inst.mesh.positions.tobytes(),
                    inst.mesh.indices.tobytes(), inst.mesh.uvs.tobytes(), m.tobytes(), inst.material.base_color))
    return out


def test_cached_world_is_the_built_world_and_renders_the_same_bytes(cache_folder):
    built = build_world("interior", 2, detail="low", weather="ClearNoon", cache=False)
    first = build_world("interior", 2, detail="low", weather="ClearNoon")  # miss: builds and stores
    files = list(cache_folder.glob("*.world.pkl"))
    assert len(files) == 1 and files[0].name.startswith("interior-2-low-")
    loaded = build_world("interior", 2, detail="low", weather="ClearNoon")  # hit
    assert loaded is not first
    assert _fingerprint(loaded) == _fingerprint(built) == _fingerprint(first)
    np.testing.assert_array_equal(loaded.obstacles, built.obstacles)
    path = make_path(built, "walk", 3, fps=20.0, width=32, height=24)
    with Renderer(32, 24) as r:
        frames = [r.render(world.scene, path.camera(1), float(path.times_s[1]), dt=0.05,
                           prev_camera=path.camera(0)).buffers for world in (built, loaded)]
    for name in frames[0]:
        assert frames[0][name].tobytes() == frames[1][name].tobytes(), name


def test_one_entry_serves_every_weather_and_keys_follow_the_arguments(cache_folder):
    night = build_world("interior", 1, detail="low", weather="Night")
    noon = build_world("interior", 1, detail="low", weather="ClearNoon")  # same entry, weather applied after
    assert len(list(cache_folder.glob("*.world.pkl"))) == 1
    assert night.weather == "Night" and noon.weather == "ClearNoon"
    ref = build_world("interior", 1, detail="low", weather="ClearNoon", cache=False)
    assert [i.material.emissive_strength for i in noon.scene.instances] == \
        [i.material.emissive_strength for i in ref.scene.instances]
    build_world("interior", 1, detail="low", dynamic=False)
    build_world("interior", 1, detail="low", dressing=False)
    build_world("interior", 3, detail="low")
    names = sorted(f.name.rsplit("-", 1)[0] for f in cache_folder.glob("*.world.pkl"))
    assert names == ["interior-1-low"] * 3 + ["interior-3-low"]  # dynamic, static, sparse: three entries
    build_world("interior", 1, detail="low", material_detail=False)
    assert len(list(cache_folder.glob("interior-1-low-*.world.pkl"))) == 4
    want = {world_cache.cache_path(cache_folder, "interior", 1,
                                   {"detail": "low", "dynamic": d, "dressing": s, "material_detail": m})
            for d, s, m in ((True, True, True), (False, True, True), (True, False, True), (True, True, False))}
    assert want <= set(cache_folder.glob("*.world.pkl"))


def test_damaged_entry_falls_back_to_building_and_is_rewritten(cache_folder):
    ref = build_world("interior", 0, detail="low", cache=False)
    build_world("interior", 0, detail="low")
    (path,) = cache_folder.glob("*.world.pkl")
    data = bytearray(path.read_bytes())
    data[-100] ^= 0xFF  # one flipped byte: the checksum no longer matches
    path.write_bytes(bytes(data))
    assert world_cache.load_world(path) is None
    again = build_world("interior", 0, detail="low")
    assert _fingerprint(again) == _fingerprint(ref)
    assert world_cache.load_world(path) is not None  # stored again
    path.write_bytes(b"not a world")
    assert world_cache.load_world(path) is None


def test_unwritable_cache_and_off_switch_build_normally(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv(world_cache.CACHE_ENV, str(blocker / "worlds"))
    assert build_world("interior", 0, detail="low").metadata["triangles"] > 0
    monkeypatch.setenv(world_cache.CACHE_ENV, "off")
    assert world_cache.cache_dir() is None
    monkeypatch.delenv(world_cache.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert world_cache.cache_dir() == tmp_path / "xdg" / "gameir" / "worlds"


def test_size_bound_deletes_the_least_recently_used(cache_folder, monkeypatch):
    build_world("interior", 0, detail="low")
    (first,) = cache_folder.glob("*.world.pkl")
    size_mb = first.stat().st_size / 1e6
    monkeypatch.setenv(world_cache.CACHE_MAX_ENV, str(1.5 * size_mb))  # room for one entry, not two
    build_world("interior", 1, detail="low")
    left = list(cache_folder.glob("*.world.pkl"))
    assert len(left) == 1 and left[0].name.startswith("interior-1-")
