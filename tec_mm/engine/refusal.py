"""Refusals: inputs tec_mm will not use. The tools print them as one
``error: <message>`` line and exit with code 2 (``--debug`` or
``TEC_DEBUG=1`` shows the traceback instead)."""
import contextlib
import os
import re
import sys
import warnings
from typing import Callable, Iterator, Optional


class Refusal(Exception):
    """Bad input, said with what to change."""


class ConfigError(Refusal, ValueError):
    """A config value tec_mm cannot use."""


class InputError(Refusal, ValueError):
    """A file or image that cannot be used."""


class MissingInput(Refusal, FileNotFoundError):
    """A file or folder that is not there."""


class NonFiniteLoss(Refusal, FloatingPointError):
    """A loss became NaN or infinite."""


# what MMEngine's builders and torch's data-loader workers put before a
# re-raised message
_WRAPPERS = re.compile(r'^(class `\w+` in [\w/.]+: |[\w.]+(Error|Loss): )+')


def find_refusal(err: BaseException) -> Optional[Refusal]:
    """The refusal that caused ``err``, if any (``err`` itself, its cause
    or its context)."""
    seen = set()
    while err is not None and id(err) not in seen:
        if isinstance(err, Refusal):
            return err
        seen.add(id(err))
        err = err.__cause__ or err.__context__
    return None


def one_line(refusal: Refusal) -> str:
    """The refusal's own sentence on one line, without the prefixes of the
    builders or data-loader workers that re-raised it."""
    text = str(refusal)
    if 'Original Traceback' in text:  # a worker's: the last line is ours
        text = text.strip().splitlines()[-1]
    return _WRAPPERS.sub('', ' '.join(text.split())) or \
        type(refusal).__name__


@contextlib.contextmanager
def quiet_config_reading() -> Iterator[None]:
    """Within it the deprecation warning of ``pkg_resources``, which
    MMEngine 0.10 imports when it reads a config, is not shown; the warning
    filters are restored after it."""
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore',
                                message='pkg_resources is deprecated')
        yield


def run_main(main: Callable[[], None]) -> None:
    """Run a tool's ``main``; a refusal ends it with one ``error:`` line
    and exit code 2.

    ``--debug`` (taken out of ``sys.argv``) or ``TEC_DEBUG=1`` lets the
    exception through with its traceback. ``main`` runs in
    :func:`quiet_config_reading`.
    """
    debug = os.environ.get('TEC_DEBUG', '') not in ('', '0')
    if '--debug' in sys.argv:
        sys.argv.remove('--debug')
        debug = True
    try:
        with quiet_config_reading():
            main()
    except Exception as err:
        refusal = find_refusal(err)
        if refusal is None or debug:
            raise
        print(f'error: {one_line(refusal)}', file=sys.stderr)
        sys.exit(2)
