# SPDX-License-Identifier: GPL-2.0-or-later
"""Where the preload library (lfa-sim-preload.c) is: $LFA_SIM_PRELOAD (the
meson build's), else built here with cc once per version of its source,
in $XDG_CACHE_HOME/lfa-sim (or ~/.cache/lfa-sim)."""

import hashlib
import os
import subprocess
import tempfile

SOURCE = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))), 'lfa-sim-preload.c')
CFLAGS = ['-std=gnu11', '-O2', '-Wall', '-Wextra', '-Werror', '-fPIC', '-shared',
          '-fvisibility=hidden']


def preload_library():
        path = os.environ.get('LFA_SIM_PRELOAD')
        if path:
                if not os.path.isfile(path):
                        raise OSError('LFA_SIM_PRELOAD=%s: no such file' % path)
                return os.path.abspath(path)
        with open(SOURCE, 'rb') as f:
                digest = hashlib.sha256(f.read() + ' '.join(CFLAGS).encode()).hexdigest()[:16]
        cache = os.path.join(os.environ.get('XDG_CACHE_HOME') or os.path.expanduser('~/.cache'), 'lfa-sim')
        lib = os.path.join(cache, 'liblfa-sim-preload-%s.so' % digest)
        if os.path.isfile(lib):
                return lib
        os.makedirs(cache, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache, suffix='.so')
        os.close(fd)
        try:
                r = subprocess.run(['cc'] + CFLAGS + ['-o', tmp, SOURCE, '-ldl'],
                                   capture_output=True, text=True)
                if r.returncode != 0:
                        raise OSError('cannot build %s: %s' % (SOURCE, r.stderr.strip()))
                os.chmod(tmp, 0o755)
                # Atomic: concurrent builders each rename a whole library.
                os.replace(tmp, lib)
        finally:
                if os.path.exists(tmp):
                        os.unlink(tmp)
        return lib
