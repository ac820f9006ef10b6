"""``BUILD-INFO`` beside the bundle: ``--version`` and ``status`` tell two builds apart."""

from __future__ import annotations

from pos_app.host.build import build_info


def test_build_info_is_read_beside_the_program(tmp_path):
    program = tmp_path / "levelup-pos"
    program.write_text("")
    assert build_info(str(program)) is None
    (tmp_path / "BUILD-INFO").write_text("version=0.1.0\nrevision=2\ncommit=abc1234\nnoise\n")
    assert build_info(str(program)) == {"version": "0.1.0", "revision": "2", "commit": "abc1234"}
