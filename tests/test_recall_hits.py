"""tools/recall_hits.py: a figure played again, or played again a step higher, is proposed by the piece's own past."""
import importlib.util, pathlib
import numpy as np

spec = importlib.util.spec_from_file_location('recall_hits', pathlib.Path(__file__).parents[1] / 'tools' / 'recall_hits.py')
recall_hits = importlib.util.module_from_spec(spec); spec.loader.exec_module(recall_hits)

def figure(root):   # C E G as note-on/note-off pairs, (pitch, on, time) tokens
    return [[root + s, on, t] for s in (0, 4, 7) for on, t in ((1, 0), (0, 4))]

def test_repeat_and_sequence():
    same = np.array(figure(39) * 3, np.int64)
    r = recall_hits.proposals(same, k=4, span=1024, skip=0)
    assert r[6:, 0].all() and r[6:, 1].all()                  # from the second playing on, every next message is proposed and right
    assert not r[:3, 0].any()                                 # nothing before there is a past to match
    assert set(r[6:, 2]) == {6}                               # from one figure back
    up = np.array(figure(39) + figure(41) + figure(43), np.int64)
    shape = recall_hits.proposals(up, k=4, span=1024, skip=0)
    assert shape[8:, 1].mean() > 0.8                          # the same shape, a step higher, comes back
    assert not recall_hits.proposals(up, k=4, span=3, skip=0)[:, 0].any()   # nothing within a span too short
