# SPDX-License-Identifier: GPL-2.0-or-later
"""lfa-sim: a user-space simulation of lfa.ko's sysfs ABI on umockdev."""
