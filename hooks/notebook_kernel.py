"""Run the training notebook's kernel with the build's own fresh IPython profile.

See ``docs_gen.notebook.use_build_kernel_profile``: it keeps a developer's
IPython profile out of the build and the kernel's start-up notice out of the log.
"""

from __future__ import annotations


def on_pre_build(config, **kwargs):
    from docs_gen.notebook import use_build_kernel_profile

    use_build_kernel_profile()
