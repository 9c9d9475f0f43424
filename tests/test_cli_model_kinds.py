"The command line's model kinds are `pianogen.model.MODELS`: an unknown kind is a usage error that lists them"
from pianogen.cli import main, parser

def test_train_refuses_an_unknown_model_kind(tmp_path, capsys):
    assert main(['train', '--model', 'bogus', '--out', str(tmp_path / 'run')]) == 2
    err = capsys.readouterr().err
    from pianogen.model import MODELS
    assert err == f"pianogen train: unknown model kind 'bogus': use one of {', '.join(MODELS)}\n"
    assert not (tmp_path / 'run').exists()

def test_the_parser_lists_no_kinds_of_its_own():
    train = parser()._subparsers._group_actions[0].choices['train']
    assert next(a for a in train._actions if '--model' in a.option_strings).choices is None
