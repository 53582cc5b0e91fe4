/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * MESSAGE_ID= values of lfad's journal events, one per kind, so that
 * `journalctl MESSAGE_ID=...` finds every occurrence. Generated once with
 * `systemd-id128 new`; never reuse or change one.
 */

#define LFA_MESSAGE_ACTIVATION_STARTED  "6d1c2b0f9a8e4f5c8b3e7a1d2c4f6e01"
#define LFA_MESSAGE_ACTIVATION_SUCCESS  "0e5a7c9b1d3f4a6e8c2b4d6f8a0c2e02"
#define LFA_MESSAGE_ACTIVATION_FAILED   "4b8d2f6a0c4e48a2b6d0f4a8c2e6b003"
#define LFA_MESSAGE_PRIME_STARTED       "9f3e1d5c7b9a4d2f8e6c4a2b0d8f6e04"
#define LFA_MESSAGE_PRIME_SUCCESS       "2a4c6e8f0b2d4f6a8c0e2b4d6f8a0c05"
#define LFA_MESSAGE_PRIME_FAILED        "7c1e3a5b7d9f41c3a5e7b9d1f3a5c706"
#define LFA_MESSAGE_STORE_UPDATED       "3d5f7b9d1f3b45d7f9b1d3f5b7d9f107"
#define LFA_MESSAGE_COMPONENT_ADDED     "8e0a2c4e6a8c40e2a4c6e8a0c2e4a608"
#define LFA_MESSAGE_COMPONENT_REMOVED   "1f3b5d7f9b1d43f5b7d9f1b3d5f7b909"
#define LFA_MESSAGE_COMPONENT_INVALID   "5a7c9e1a3c5e47a9c1e3a5c7e9a1c30a"
#define LFA_MESSAGE_POLICY_LOADED       "c2e4a6c8e0a24c6e8a0c2e4a6c8e0a0b"
#define LFA_MESSAGE_POLICY_INVALID      "d3f5b7d9f1b34d7f9b1d3f5b7d9f1b0c"
#define LFA_MESSAGE_RENDEZVOUS_FORCED   "e4a6c8e0a2c44e8a0c2e4a6c8e0a2c0d"
#define LFA_MESSAGE_RETRIES_EXHAUSTED   "f5b7d9f1b3d54f9b1d3f5b7d9f1b3d0e"
#define LFA_MESSAGE_KERNEL_OVERRIDE     "51a6ba972f654532b472188864e67a61"
/* The policy did not load at start: lfad runs on the built-in safe defaults. */
#define LFA_MESSAGE_POLICY_DEFAULTS     "ae127de2fb83440dbab90a0ee8b69dd5"
#define LFA_MESSAGE_PRIME_RELEASED      "37021a9bbb5d44e996d19e945af0b8b2"
