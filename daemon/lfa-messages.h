/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * MESSAGE_ID= values of lfad's journal events, one per kind, so that
 * `journalctl MESSAGE_ID=...` finds every occurrence. Each one is the output
 * of its own `systemd-id128 new` (tests/unit/test-messages.c checks that
 * they are random); never reuse or change one, and document a new one in lfad(8).
 */

#define LFA_MESSAGE_ACTIVATION_STARTED  "c3814b4528b943de8d476a4a59c6846f"
#define LFA_MESSAGE_ACTIVATION_SUCCESS  "cb3cc80d9428450f9e0200d5f39cb04d"
#define LFA_MESSAGE_ACTIVATION_FAILED   "9f469b8d35ef4099961c8e800e65caf9"
#define LFA_MESSAGE_PRIME_STARTED       "199ae479faa44d8c84ca65997fd5c10b"
#define LFA_MESSAGE_PRIME_SUCCESS       "24da77e3d05448f997c29951711a8228"
#define LFA_MESSAGE_PRIME_FAILED        "dbd7221ba57a426c9a53cb41779fb3b9"
#define LFA_MESSAGE_STORE_UPDATED       "5352d8c454d44cfaa4e266ee2c13d407"
#define LFA_MESSAGE_COMPONENT_ADDED     "6a76909823994da8ae100c76705e552c"
#define LFA_MESSAGE_COMPONENT_REMOVED   "6d63155b6bfd48afa1fcb4449d82da3d"
#define LFA_MESSAGE_COMPONENT_INVALID   "943709180865427590d745a956a3bba3"
#define LFA_MESSAGE_POLICY_LOADED       "6614d5e829424b0eac850ad91f3490a2"
#define LFA_MESSAGE_POLICY_INVALID      "d110ac848d464e6f96edf37e18a2850a"
#define LFA_MESSAGE_RENDEZVOUS_FORCED   "02a5c84bb48a4608b6316797285bff1e"
#define LFA_MESSAGE_RETRIES_EXHAUSTED   "dbb5029460d64d30b81fe03e544eef4f"
#define LFA_MESSAGE_KERNEL_OVERRIDE     "51a6ba972f654532b472188864e67a61"
/* The policy did not load at start: lfad runs on the built-in safe defaults. */
#define LFA_MESSAGE_POLICY_DEFAULTS     "ae127de2fb83440dbab90a0ee8b69dd5"
#define LFA_MESSAGE_PRIME_RELEASED      "37021a9bbb5d44e996d19e945af0b8b2"
